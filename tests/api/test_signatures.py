"""Issued documents prove themselves: signed by the authority (pdfsig agrees), checked on verification, changes
caught, old documents still valid after a key rotation, and no issuing at all when the keys cannot be opened."""

import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from models import Application, AuditEntry, Document, DocumentCounter, db
from tests.conftest import KEYS_DIR
from tests.signing import (
    DIGEST_MISMATCH,
    NOT_WHOLE_FILE,
    TRUSTED,
    VALID,
    WHOLE_FILE,
    byte_flipped,
    incrementally_updated,
    pdfsig,
    signer_name,
)

DAOLI_MARKET = "哈尔滨市道里区市场监督管理局"


def register(api, **fields):
    submitted = api.submitted(**fields)
    r = api.fire(submitted["id"], "register", "clerk_daoli")
    assert r.status_code == 200, r.get_json()
    doc = r.get_json()["documents"][0]
    return doc, api.get(doc["url"], "alice").data


def verified(api, doc) -> dict:
    return api.get(f"/api/v1/verify/{doc['verify_url'].rsplit('/', 1)[1]}").get_json()


def upload(client, data: bytes) -> str:
    return client.post(
        "/verify/upload", data={"file": (io.BytesIO(data), "notice.pdf")}, content_type="multipart/form-data"
    ).get_data(as_text=True)


def test_an_issued_notice_is_signed_by_its_authority(api, client, nss, tmp_path):
    doc, pdf = register(api)
    report = pdfsig(pdf, nss["trusted"], tmp_path)
    assert VALID in report and TRUSTED in report and WHOLE_FILE in report, report
    assert signer_name(report) == DAOLI_MARKET
    signature = verified(api, doc)["signature"]
    assert signature["valid"] is True and signature["signer"] == DAOLI_MARKET
    assert signature["authority"] == "230102:market_regulation" and signature["modified_after_signing"] is False
    assert len(signature["certificate_fingerprint"]) == 64 and signature["signed_at"].endswith("+08:00")
    page = client.get(f"/verify/{doc['verify_url'].rsplit('/', 1)[1]}").get_data(as_text=True)
    assert "签名有效" in page and DAOLI_MARKET in page and signature["certificate_fingerprint"] in page
    assert "/verify/ca.crt" in page
    ca = client.get("/verify/ca.crt")
    assert ca.status_code == 200 and ca.data == (KEYS_DIR / "ca.crt.pem").read_bytes()


def test_changed_copies_fail_pdfsig_and_the_upload_check(api, client, nss, tmp_path):
    doc, pdf = register(api)
    assert 'data-valid="true"' in upload(client, pdf)
    flipped = byte_flipped(pdf)
    assert DIGEST_MISMATCH in pdfsig(flipped, nss["trusted"], tmp_path)
    page = upload(client, flipped)
    assert 'data-valid="false"' in page and "文件在签名后被改动" in page
    updated = incrementally_updated(pdf)
    assert NOT_WHOLE_FILE in pdfsig(updated, nss["trusted"], tmp_path)
    page = upload(client, updated)
    # still named as the issued notice (its signed revision is that file), but never as a valid copy
    assert 'data-valid="false"' in page and "签名后文件又被追加了内容" in page and doc["number"] in page


def test_broken_uploads_are_answered_not_crashed_on(api, client):
    _doc, pdf = register(api)
    start = pdf.index(b"/Contents <") + len(b"/Contents <")
    garbled = pdf[:start] + b"00" * 64 + pdf[start + 128 :]  # the CMS blob itself damaged
    for data, says in (
        (pdf[: len(pdf) // 2], "无法作为PDF文件读取"),
        (garbled, "签名"),
        (b"%PDF-1.7\n" + bytes(range(256)) * 8, "无法作为PDF文件读取"),
    ):
        r = client.post(
            "/verify/upload", data={"file": (io.BytesIO(data), "x.pdf")}, content_type="multipart/form-data"
        )
        assert (
            r.status_code == 200
            and 'data-valid="false"' in r.get_data(as_text=True)
            and says in r.get_data(as_text=True)
        )
    for data, rule in ((b"", "必填"), (b"GIF89a not a pdf", "应为PDF文件")):
        r = client.post(
            "/verify/upload", data={"file": (io.BytesIO(data), "x.pdf")}, content_type="multipart/form-data"
        )
        assert r.status_code == 302  # the form's error: back to the page with the field and rule
        assert rule in client.get(r.headers["Location"]).get_data(as_text=True)


def test_after_a_rotation_old_documents_verify_and_new_ones_carry_the_new_certificate(app, api, runner, nss, tmp_path):
    app.config["KEYS_DIR"] = str(shutil.copytree(KEYS_DIR, tmp_path / "keys"))  # the session's keys stay as they are
    old_doc, old_pdf = register(api)
    old = verified(api, old_doc)["signature"]
    result = runner.invoke(args=["keys", "rotate", "230102:market_regulation"])
    assert result.exit_code == 0 and old["certificate_fingerprint"][:16] in result.output, result.output
    new_doc, new_pdf = register(api, premise_address="索菲亚小区5号楼2单元201室")
    new = verified(api, new_doc)["signature"]
    assert new["valid"] and new["certificate_fingerprint"] != old["certificate_fingerprint"]
    again = verified(api, old_doc)["signature"]
    assert again["valid"] and again["certificate_fingerprint"] == old["certificate_fingerprint"]
    for pdf in (old_pdf, new_pdf):
        report = pdfsig(pdf, nss["trusted"], tmp_path)
        assert VALID in report and TRUSTED in report and signer_name(report) == DAOLI_MARKET, report
    listing = runner.invoke(args=["keys", "list"]).output
    assert "* 230102:market_regulation" in listing and listing.count("230102:market_regulation") == 2, listing
    folder = Path(app.config["KEYS_DIR"], "authorities", "230102_market_regulation")
    assert len(list(folder.glob("*.key.pem"))) == 1  # the retired key is gone: it can sign nothing more


@pytest.mark.parametrize("passphrase, says", [("wrong passphrase", "不正确"), ("", "未设置")])
def test_no_usable_key_means_503_and_nothing_written(app, api, tmp_path, passphrase, says):
    submitted = api.submitted()
    app.config["KEYS_PASSPHRASE"] = passphrase
    app.instance_path = str(tmp_path)  # no generated passphrase to fall back on
    with app.app_context():
        before = (
            db.session.get(Application, submitted["id"]).version,
            db.session.scalar(select(func.count()).select_from(AuditEntry)),
            db.session.scalar(select(func.count()).select_from(Document)),
        )
    files = sorted(Path(app.config["STORAGE_DIR"]).rglob("*"))
    r = api.fire(submitted["id"], "register", "clerk_daoli")
    body = r.get_json()
    assert r.status_code == 503 and body["error"]["code"] == "signing_unavailable", body
    assert says in body["error"]["message"] and "BIANMIN_KEYS_PASSPHRASE" in body["error"]["message"]
    r = api.post(
        f"/api/v1/applications/{submitted['id']}/events",
        "clerk_daoli",
        headers={"Accept-Language": "en"},
        json={"event": "register", "version": before[0]},
    )
    assert r.status_code == 503 and "BIANMIN_KEYS_PASSPHRASE" in r.get_json()["error"]["message"]
    assert ("wrong" if passphrase else "not set") in r.get_json()["error"]["message"]
    with app.app_context():
        row = db.session.get(Application, submitted["id"])
        assert (row.state, row.version) == ("submitted", before[0])
        assert db.session.scalar(select(func.count()).select_from(Document)) == before[2]
        assert (
            db.session.scalar(select(DocumentCounter.last_value).where(DocumentCounter.kind == "registration_notice"))
            is None
        )
        assert db.session.scalar(select(func.count()).select_from(AuditEntry)) == before[1]
    assert sorted(Path(app.config["STORAGE_DIR"]).rglob("*")) == files  # not even a temporary file
    app.config["KEYS_PASSPHRASE"] = "test-keys-passphrase"
    assert api.fire(submitted["id"], "register", "clerk_daoli").status_code == 200  # fixed: it issues


def test_with_a_timestamp_authority_signatures_are_pades_b_t(app, api, nss, tmp_path):
    from tests.signing import LocalTimestampAuthority

    tsa = LocalTimestampAuthority()
    try:
        app.config["SIGNING_TSA_URL"] = tsa.url
        doc, pdf = register(api)
    finally:
        tsa.close()
    assert tsa.requests == 1
    signature = verified(api, doc)["signature"]
    assert signature["valid"] and signature["timestamped"] is True, signature
    report = pdfsig(pdf, nss["trusted"], tmp_path)
    assert VALID in report and TRUSTED in report and WHOLE_FILE in report, report


def test_an_unreachable_timestamp_authority_means_503_and_nothing_issued(app, api):
    submitted = api.submitted()
    app.config["SIGNING_TSA_URL"] = "http://127.0.0.1:9/tsa"  # the discard port: nothing listens
    r = api.fire(submitted["id"], "register", "clerk_daoli")
    assert r.status_code == 503 and r.get_json()["error"]["code"] == "signing_unavailable", r.get_json()
    assert "时间戳" in r.get_json()["error"]["message"]
    with app.app_context():
        assert db.session.get(Application, submitted["id"]).state == "submitted"
        assert (
            db.session.scalar(select(DocumentCounter.last_value).where(DocumentCounter.kind == "registration_notice"))
            is None
        )
