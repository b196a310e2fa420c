"""Bad input never crashes (API.md Errors: "Never a 500 for bad input"): every JSON endpoint against bodies
that are huge, deeply nested, in the wrong encoding or carrying characters no database stores; uploads
with the wrong content behind the right name, oversize, empty, with hostile names; odd queries and headers.
Each answer is a 4xx in the error shape, and nothing is stored."""

from __future__ import annotations

import io
import json

import pytest
from sqlalchemy import func, select

from models import Application, Attachment, AuditEntry, db
from tests.conftest import PDF_BYTES
from tests.reliability.world import CLERK, OWNER

UPLOAD_LIMIT = 10 * 1024 * 1024


def assert_error(r, statuses=(400, 413, 415, 422)) -> dict:
    assert r.status_code in statuses, (r.status_code, r.get_data(as_text=True)[:300])
    body = r.get_json()
    assert body is not None and set(body) == {"error"}, r.get_data(as_text=True)[:300]
    assert set(body["error"]) == {"code", "message", "details"} and body["error"]["message"]
    return body["error"]


@pytest.fixture
def world(bare_world):
    """alice, bob, admin, auditor and the staff of market regulation and housing: all these tests need."""
    return bare_world.populate(("market_regulation", "housing"))


@pytest.fixture
def targets(world):
    """Every endpoint that reads a JSON body: (method, url, user)."""
    draft = world.draft("premise_addition")
    submitted = world.bring("premise_addition", "submitted")
    refused = world.bring("premise_addition", "submitted")
    assert world.fire(refused["id"], "refuse", CLERK["premise_addition"], {"reason": "材料不实"}).status_code == 200
    return [
        ("POST", "/api/v1/tokens", None),
        ("POST", "/api/v1/applications", OWNER.username),
        ("PATCH", f"/api/v1/applications/{draft['id']}", OWNER.username),
        ("POST", f"/api/v1/applications/{submitted['id']}/events", CLERK["premise_addition"]),
        ("POST", f"/api/v1/applications/{refused['id']}/evaluation", OWNER.username),
        ("POST", "/api/v1/eligibility/premise_addition", None),
        ("POST", "/api/v1/draws", CLERK["fire_filing"]),
        ("PUT", "/api/v1/authorities/230102:housing/settings", "admin"),
    ]


def send(world, method, url, user, raw: bytes, content_type="application/json"):
    headers = world.headers(user) if user else {}
    return world.client.open(url, method=method, data=raw, content_type=content_type, headers=headers)


def stored(app) -> tuple:
    with app.app_context():
        return (
            db.session.execute(select(func.count(Application.id))).scalar(),
            db.session.execute(select(func.count(AuditEntry.id))).scalar(),
            db.session.execute(select(func.max(Application.version))).scalar(),
        )


HOSTILE_BODIES = {
    "256 KiB + 1 of JSON": (json.dumps({"fields": {"enterprise_name": "x" * (256 * 1024)}}).encode(), 413),
    "13 MiB (over the request limit)": (b'{"a": "' + b"x" * (13 * 1024 * 1024) + b'"}', 413),
    "100,000 nested arrays": (b"[" * 100_000 + b"]" * 100_000, 400),
    "40,000 nested objects": (b'{"a":' * 40_000 + b"1" + b"}" * 40_000, 400),
    "latin-1 text": ('{"username": "Zoë", "fields": {"enterprise_name": "Café"}}'.encode("latin-1"), 400),
    "UTF-16 with BOM": (json.dumps({"username": "张三", "fields": {}}).encode("utf-16"), 400),
    "UTF-16-LE without BOM": (json.dumps({"username": "张三"}).encode("utf-16-le"), 400),
    "invalid UTF-8 bytes": (b'{"username": "\xff\xfe\xc3\x28", "event": "\xed\xa0\x80"}', 400),
    "overlong UTF-8": (b'{"username": "\xc0\xaf"}', 400),
    "truncated": (b'{"username": "alice", ', 400),
    "a JSON array": (b"[]", 400),
    "a JSON string": (b'"alice"', 400),
    "JSON null": (b"null", 400),
    "empty": (b"", 400),
    "NaN and Infinity": (b'{"version": NaN, "fields": {"floor_area_m2": Infinity}, "ratios": {"standard": NaN}}', None),
    "a 5000-digit number": (b'{"version": ' + b"9" * 5000 + b"}", None),
    "NUL characters in every string": (
        json.dumps(
            {
                "username": "al\x00ice",
                "password": "\x00",
                "event": "reg\x00",
                "comment": "\x00",
                "procedure": "premise\x00addition",
                "fields": {"enterprise_name": "\x00"},
                "fire_mode": "\x00",
                "data": {"reason": "\x00"},
                "score": 5,
                "comment_text": "\x00",
            }
        ).encode(),
        None,
    ),
    "lone surrogates": (
        b'{"username": "\\ud800", "password": "\\udfff", "event": "\\ud800", "comment": "\\ud800",'
        b' "procedure": "\\ud800", "fields": {"enterprise_name": "\\ud800"}, "fire_mode": "\\udc00",'
        b' "data": {"reason": "\\ud800"}}',
        None,
    ),
    "900 nested arrays in data": (
        b'{"event": "register", "version": 2, "data": '
        + b"[" * 900
        + b"]" * 900
        + b', "fields": '
        + b"[" * 900
        + b"]" * 900
        + b"}",
        None,
    ),
    "wrong types everywhere": (
        json.dumps(
            {
                "username": ["alice"],
                "password": {"p": 1},
                "event": {"e": 1},
                "version": [2],
                "comment": {"c": 1},
                "procedure": ["premise_addition"],
                "fields": [1, 2],
                "data": "register",
                "ratios": [0.5],
                "fire_mode": ["promise"],
                "score": "five",
            }
        ).encode(),
        None,
    ),
}


@pytest.mark.parametrize("name", list(HOSTILE_BODIES))
def test_hostile_json_bodies_get_a_4xx_on_every_endpoint(world, app, targets, name):
    raw, status = HOSTILE_BODIES[name]
    before = stored(app)
    for method, url, user in targets:
        r = send(world, method, url, user, raw)
        if url == "/api/v1/tokens" and r.status_code in (401, 423):  # a plausible body: wrong credentials
            assert_error(r, (401, 423))
            continue
        if status is None and r.status_code < 400:  # well-formed enough, and harmless (a draw of nothing)
            assert (method, url) == ("POST", "/api/v1/draws") and r.get_json()["selected"] == [], (method, url)
            continue
        assert_error(r, (status,) if status else (400, 403, 404, 409, 413, 422))
    assert stored(app) == before


@pytest.mark.parametrize(
    "content_type",
    [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data",
        "application/json; charset=latin-1",
        "application/json; charset=utf-16",
        "",
    ],
)
def test_other_content_types_are_read_as_utf8_json_or_refused(world, app, targets, content_type):
    raw = '{"username": "Zoë"}'.encode("latin-1")
    for method, url, user in targets:
        assert_error(send(world, method, url, user, raw, content_type))


# ---- uploads -----------------------------------------------------------------------------------

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
WRONG_CONTENT = {
    "text named .pdf": (b"just text, not a PDF", "lease.pdf", 415),
    "HTML named .pdf": (b"<!doctype html><script>alert(1)</script>", "lease.pdf", 415),
    "SVG named .png": (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "scan.png", 415),
    "ZIP named .jpg": (b"PK\x03\x04" + b"\0" * 64, "photo.jpg", 415),
    "EXE named .pdf": (b"MZ\x90\x00" + b"\0" * 64, "lease.pdf", 415),
    "PDF magic after a space": (b" %PDF-1.7\n", "lease.pdf", 415),
    "GIF named .png": (b"GIF89a" + b"\0" * 32, "scan.png", 415),
    "zero bytes": (b"", "empty.pdf", 422),
    "one byte over 10 MiB": (b"%PDF-" + b"0" * (UPLOAD_LIMIT - 4), "big.pdf", 413),
    "13 MiB (over the request limit)": (b"%PDF-" + b"0" * (13 * 1024 * 1024), "huge.pdf", 413),
}


@pytest.mark.parametrize("name", list(WRONG_CONTENT))
def test_uploads_judged_by_content_and_size(world, app, name):
    data, filename, status = WRONG_CONTENT[name]
    draft = world.draft("premise_addition")
    before = len(draft["attachments"])
    assert_error(world.upload(draft["id"], "premise_use_document", data=data, filename=filename), (status,))
    assert len(world.app_json(draft["id"])["attachments"]) == before
    with app.app_context():
        from infra import storage

        assert storage.orphans() == []


HOSTILE_NAMES = [
    "../../../../etc/passwd",
    "..\\..\\boot.ini",
    "/etc/shadow",
    "C:\\Windows\\win.ini",
    "lease\x00.pdf.exe",
    "re\tport\r\n\x07\x1b[31m.pdf",
    "\u202egpj.exe",
    "..",
    ".",
    "...",
    "",
    " ",
    "\x00",
    "a" * 5000 + ".pdf",
    "租赁合同（盖章）.pdf",
    "%2e%2e%2fpasswd",
    "con.pdf",
    "\ufeff.pdf",
]


@pytest.mark.parametrize("filename", HOSTILE_NAMES, ids=[repr(n)[:30] for n in HOSTILE_NAMES])
def test_hostile_file_names_are_cleaned_and_stay_inside_the_store(world, app, filename):
    draft = world.draft("premise_addition")
    r = world.upload(draft["id"], "premise_use_document", data=PDF_BYTES, filename=filename)
    if r.status_code != 201:  # a name the multipart parser itself refuses: still a clean 4xx
        assert_error(r)
        return
    name = r.get_json()["filename"]
    assert name and "/" not in name and "\\" not in name and not name.startswith(".")
    assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u202e\ufeff" for c in name), repr(name)
    assert len(name) <= 255
    with app.app_context():
        from infra import storage

        path = db.session.execute(
            select(Attachment.storage_path).where(Attachment.id == r.get_json()["id"])
        ).scalar_one()
        resolved = (storage.root() / path).resolve()
        assert resolved.is_relative_to(storage.root().resolve()) and resolved.is_file()
    download = world.get(f"/api/v1/applications/{draft['id']}/attachments/{r.get_json()['id']}", OWNER.username)
    assert download.status_code == 200 and download.data == PDF_BYTES
    assert "\r" not in download.headers["Content-Disposition"] and "\n" not in download.headers["Content-Disposition"]


@pytest.mark.parametrize(
    "form, files",
    [
        ({"kind": "premise_use_document"}, {}),
        ({"kind": "premise_use_document", "file": "not a file but a field"}, {}),
        ({}, {"file": (io.BytesIO(PDF_BYTES), "a.pdf")}),
        ({"kind": ["premise_use_document", "power_of_attorney"]}, {"file": (io.BytesIO(PDF_BYTES), "a.pdf")}),
        ({"kind": "../../etc"}, {"file": (io.BytesIO(PDF_BYTES), "a.pdf")}),
        ({"kind": "\x00"}, {"file": (io.BytesIO(PDF_BYTES), "a.pdf")}),
    ],
    ids=["no file", "file as a text field", "no kind", "two kinds", "kind with a path", "kind NUL"],
)
def test_malformed_multipart_forms(world, form, files):
    draft = world.draft("premise_addition")
    r = world.post(
        f"/api/v1/applications/{draft['id']}/attachments",
        OWNER.username,
        data={**form, **files},
        content_type="multipart/form-data",
    )
    if r.status_code == 201:  # two kinds: the first one counts, and it is a valid one
        assert r.get_json()["kind"] == "premise_use_document"
        return
    assert_error(r)


@pytest.mark.parametrize(
    "raw_name",
    [b"\xed\xa0\x80.pdf", b"\xff\xfe.pdf", b"a\x00b.pdf", b"\xe7\xa7\x9f.pdf\r\nX: y"],
    ids=["surrogate bytes", "invalid UTF-8", "NUL byte", "header injection"],
)
def test_file_names_as_raw_bytes(world, raw_name):
    """Names a browser could send that no test client builds: invalid UTF-8 and NUL in the multipart header."""
    draft = world.draft("premise_addition")
    boundary = b"----bianmin"
    raw = (
        b"--" + boundary + b'\r\nContent-Disposition: form-data; name="kind"\r\n\r\npremise_use_document\r\n'
        b"--"
        + boundary
        + b'\r\nContent-Disposition: form-data; name="file"; filename="'
        + raw_name
        + b'"\r\nContent-Type: application/pdf\r\n\r\n'
        + PDF_BYTES
        + b"\r\n--"
        + boundary
        + b"--\r\n"
    )
    r = world.client.post(
        f"/api/v1/applications/{draft['id']}/attachments",
        data=raw,
        content_type="multipart/form-data; boundary=----bianmin",
        headers=world.headers(OWNER.username),
    )
    if r.status_code != 201:
        assert_error(r)
        return
    name = r.get_json()["filename"]
    assert name and not any(ord(c) < 32 or "\ud800" <= c <= "\udfff" for c in name) and "/" not in name


def test_a_broken_multipart_body(world):
    draft = world.draft("premise_addition")
    for raw, ctype in [
        (
            b'--xyz\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\n\r\n%PDF-',
            "multipart/form-data; boundary=xyz",
        ),
        (b"garbage", "multipart/form-data"),
        (b"garbage", "multipart/form-data; boundary="),
        (PDF_BYTES, "application/pdf"),
    ]:
        r = world.client.post(
            f"/api/v1/applications/{draft['id']}/attachments",
            data=raw,
            content_type=ctype,
            headers=world.headers(OWNER.username),
        )
        assert_error(r)


# ---- queries, ids and headers ------------------------------------------------------------------

ODD_QUERIES = [
    "page=%C2%B2",
    "per_page=%EF%BC%91",
    "page=0",
    "page=-1",
    "page=abc",
    "page=99999999999999999999",
    "per_page=0",
    "per_page=101",
    "per_page=1e3",
    "overdue=maybe",
    "procedure=%00",
    "state=%00",
    "procedure=%ED%A0%80",
    "state=" + "x" * 5000,
    "procedure=premise_addition&procedure=land_transition",
    "page=%FF",
]


@pytest.mark.parametrize("user", [OWNER.username, CLERK["premise_addition"], "admin"])
def test_odd_list_queries(world, user):
    for query in ODD_QUERIES:
        r = world.get(f"/api/v1/applications?{query}", user)
        if r.status_code == 200:
            assert set(r.get_json()) >= {"items", "total"}
        else:
            assert_error(r, (400, 422))


ODD_IDS = ["%C2%B2", "0", "-1", "1.0", "1e3", "%00", "%ED%A0%80", "9" * 40, "１", "0x10", " 1", "1%20", "..%2F1"]


ODD_URLS = (
    "/api/v1/applications/{}",
    "/api/v1/applications/{}/events",
    "/api/v1/applications/{}/attachments",
    "/api/v1/draws/{}",
    "/api/v1/verify/{}",
    "/api/v1/documents/{}.pdf",
)


def test_odd_ids_are_404(world):
    for odd in ODD_IDS:
        for url in ODD_URLS:
            assert_error(world.get(url.format(odd), OWNER.username), (400, 404) if odd == "%00" else (404,))


ODD_HEADERS = [
    "Bearer",
    "Bearer ",
    "Bearer \x00",
    "Bearer " + "a" * 10_000,
    "Basic YWxpY2U6eA==",
    "bearer lowercase",
    "Bearer ä-latin1",
    "Bearer \u00ff\u00fe",
]


def test_odd_authorization_headers_are_401(world):
    for header in ODD_HEADERS:
        assert_error(world.client.get("/api/v1/applications", headers={"Authorization": header}), (401,))


def test_superscript_digits_in_calendar_queries(world):
    for query in ("from=2026-01-01&days=%C2%B2", "from=2026-01-01&years=%C2%B2", "from=%C2%B2&days=1"):
        path = "period-end" if "years" in query else "add-working-days"
        assert_error(world.get(f"/api/v1/calendar/{path}?{query}"), (422,))


def test_odd_accept_language_still_answers(world):
    for value in ["", "*", "xx-YY;q=abc", "zh-CN;q=0.9,en;q=1.1", "\u00ff" * 50, "a" * 5000]:
        r = world.client.post(
            "/api/v1/applications",
            json={"procedure": "nope"},
            headers={**world.headers(OWNER.username), "Accept-Language": value},
        )
        assert_error(r, (422,))
