"""pdf.render: every kind prints its number, title, holder, facts and legal text on A4 with
embedded Noto CJK fonts; snapshot text is escaped and nothing outside pdf/assets is fetched."""
import importlib
import re
import subprocess

import jinja2
import pytest
import qrcode
from PIL import Image
from weasyprint import HTML

from pdf.qr import qr_path, qr_svg
from pdf.render import ASSETS, FETCHER, KINDS, harfbuzz_subset_available, html, render
from pdf.samples import sample_snapshot

KIND_TEXT = {  # what each kind must say besides the common parts (DOMAIN.md §0, §1)
    "receipt": ["予以受理", "一次性告知"],
    "correction_notice": ["一次性告知", "第三十二条", "重新计算审查期限"],
    "registration_notice": ["准予登记", "第十一条、第十九条", "三十日内申请注销"],
    "refusal_notice": ["不予登记的理由", "决定不予登记", "行政复议", "六十日", "行政诉讼", "六个月"],
    "revocation_decision": ["撤销上述经营场所登记", "第四十条", "行政复议", "六十日", "行政诉讼"],
}


def poppler(tool: str, data: bytes, *args: str) -> str:
    """Run a poppler tool on PDF bytes via stdin ("-"); pdftotext also writes to stdout ("-")."""
    files = ["-", "-"] if tool == "pdftotext" else ["-"]
    return subprocess.run([tool, *args, *files], input=data, capture_output=True,
                          check=True).stdout.decode()


def squeeze(text: str) -> str:
    """Whitespace removed: -layout wraps table cells and paragraphs at arbitrary places."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {kind: render(kind, sample_snapshot(kind)) for kind in KINDS}


def test_kinds_are_the_premise_addition_documents():
    assert {k: (v["title_zh"], v["code"]) for k, v in KINDS.items()} == {
        "receipt": ("接收申请材料凭证", "收"),
        "correction_notice": ("补正通知书", "补"),
        "registration_notice": ("经营场所登记通知书", "经登"),
        "refusal_notice": ("不予登记通知书", "不登"),
        "revocation_decision": ("撤销登记决定书", "撤登"),
    }
    assert all(meta["title_en"] for meta in KINDS.values())


@pytest.mark.parametrize("kind", KINDS)
def test_document_text_is_extractable(rendered, kind):
    data, snap = rendered[kind], sample_snapshot(kind)
    assert data.startswith(b"%PDF")
    text = squeeze(poppler("pdftotext", data, "-layout"))
    expected = [snap["number"], KINDS[kind]["title_zh"], snap["authority_name"], snap["holder_name"],
                snap["holder_code"], snap["application_number"], snap["issue_date_cn"],
                *(row["value"] for row in snap["facts"]), *KIND_TEXT[kind]]
    for key in ("deadline_cn", "reasons", "remedies"):
        if key in snap:
            expected.append(snap[key])
    for item in snap.get("items", []):
        expected += [item["label"], item["reason"]]
    missing = [s for s in expected if squeeze(s) not in text]
    assert not missing, f"{kind}: not in the PDF text: {missing}"


@pytest.mark.parametrize("kind", KINDS)
def test_first_page_carries_the_verification_link(rendered, kind):
    # Reading order, not -layout: the URL wraps beside the page number in the bottom margin.
    first_page = squeeze(poppler("pdftotext", rendered[kind], "-f", "1", "-l", "1"))
    assert sample_snapshot(kind)["verify_url"] in first_page
    assert "电子印章（系统生成）" in squeeze(poppler("pdftotext", rendered[kind], "-layout"))


@pytest.mark.parametrize("kind", KINDS)
def test_every_page_is_a4(rendered, kind):
    info = poppler("pdfinfo", rendered[kind], "-f", "1", "-l", "99")
    sizes = re.findall(r"^Page\s+\d+ size:\s+(.*)$", info, re.M)
    assert sizes and all(s == "595.276 x 841.89 pts (A4)" for s in sizes), sizes


@pytest.mark.parametrize("kind", KINDS)
def test_fonts_are_embedded_noto_cjk_subsets(rendered, kind):
    rows = poppler("pdffonts", rendered[kind]).splitlines()[2:]
    assert rows
    for row in rows:
        name, *_, emb, sub, uni, _obj, _gen = row.split()
        assert (emb, sub, uni) == ("yes", "yes", "yes"), row
        # "ABCDEF+Noto-Serif-CJK-SC-Bold": one serif family keeps renders fast and small.
        assert re.fullmatch(r"[A-Z]{6}\+Noto-Serif-CJK-SC(-Bold)?", name), row


def test_html_in_a_snapshot_value_prints_as_text_and_fetches_nothing(monkeypatch):
    fetched = []
    real_fetch = FETCHER.fetch
    monkeypatch.setattr(FETCHER, "fetch", lambda url, headers=None: fetched.append(url) or real_fetch(url))
    payload = '<img src="file:///etc/passwd">'
    snap = {**sample_snapshot("registration_notice"), "holder_name": payload}

    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html("registration_notice", snap)
    text = squeeze(poppler("pdftotext", render("registration_notice", snap), "-layout"))
    assert squeeze(payload) in text
    assert fetched == [(ASSETS / "document.css").as_uri()]


@pytest.mark.parametrize("url", [
    "file:///etc/passwd",
    (ASSETS / "..").as_uri() + "/render.py",
    ASSETS.as_uri() + "/../render.py",
    ASSETS.as_uri() + "/%2e%2e/render.py",
    ASSETS.as_uri() + "/missing.css",
    "http://example.com/document.css",
    "data:text/plain,hello",
])
def test_fetcher_refuses_anything_outside_assets(url):
    with pytest.raises(ValueError):
        FETCHER.fetch(url)


def test_a_template_reaching_outside_assets_fails_loudly(monkeypatch):
    module = importlib.import_module("pdf.render")  # `pdf.render` itself is the function
    monkeypatch.setattr(module, "html", lambda kind, snap: '<img src="file:///etc/passwd">')
    with pytest.raises(RuntimeError, match="etc/passwd"):
        render("receipt", sample_snapshot("receipt"))


def test_fetcher_serves_the_stylesheet():
    response = FETCHER.fetch((ASSETS / "document.css").as_uri())
    assert b"@page" in response.read()
    assert response.content_type == "text/css"


def test_a_missing_key_is_an_error_not_a_blank():
    snap = sample_snapshot("registration_notice")
    del snap["holder_code"]
    with pytest.raises(jinja2.UndefinedError):
        render("registration_notice", snap)
    refusal = sample_snapshot("refusal_notice")
    del refusal["remedies"]  # an adverse decision must state the remedies (行政许可法 art. 38)
    with pytest.raises(jinja2.UndefinedError):
        render("refusal_notice", refusal)


def test_a_correction_notice_needs_items():
    with pytest.raises(ValueError, match="一次性告知"):
        render("correction_notice", {**sample_snapshot("correction_notice"), "items": []})


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        render("../base", sample_snapshot("receipt"))


def test_facts_may_come_as_pairs_from_json():
    snap = {**sample_snapshot("registration_notice"), "facts": [["新增经营场所", "经纬街266号院"]]}
    assert "经纬街266号院" in squeeze(poppler("pdftotext", render("registration_notice", snap), "-layout"))


def test_qr_is_at_least_22mm_and_inline():
    svg = qr_svg("http://127.0.0.1:5000/verify/abc")
    assert svg.startswith("<svg") and "data:" not in svg and "href" not in svg
    assert float(re.search(r'width="([\d.]+)mm"', svg)[1]) >= 22


def test_qr_prints_the_modules_of_the_code(tmp_path):
    """Rasterise the printed QR and read each module back: the run-length path is exact."""
    url = sample_snapshot("receipt")["verify_url"]
    size, _ = qr_path(url)
    page = f"<style>@page{{size:24mm 24mm;margin:0}}body{{margin:0}}</style>{qr_svg(url)}"
    (tmp_path / "qr.pdf").write_bytes(HTML(string=page).write_pdf())
    subprocess.run(["pdftoppm", "-png", "-r", "300", "-singlefile", str(tmp_path / "qr.pdf"),
                    str(tmp_path / "qr")], check=True)
    image = Image.open(tmp_path / "qr.png").convert("L")
    cell = image.width / size
    printed = [[image.getpixel((int((x + .5) * cell), int((y + .5) * cell))) < 128
                for x in range(size)] for y in range(size)]
    code = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M)
    code.add_data(url)
    assert printed == code.get_matrix()


def test_harfbuzz_subset_is_available_here():
    assert harfbuzz_subset_available() is True
