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

KIND_TEXT = {  # what each kind must say besides the common parts (DOMAIN.md §0–§3)
    "receipt": ["予以受理", "一次性告知"],
    "correction_notice": ["一次性告知", "第三十二条", "重新计算审查期限"],
    "registration_notice": ["准予登记", "第十一条、第十九条", "三十日内申请注销"],
    "refusal_notice": ["不予登记的理由", "决定不予登记", "行政复议", "六十日", "行政诉讼", "六个月"],
    "revocation_decision": ["撤销上述经营场所登记", "第四十条", "行政复议", "六十日", "行政诉讼"],
    # land_transition
    "acceptance_notice": [
        "决定予以受理",
        "征求行业主管部门和住房和城乡建设主管部门的意见",
        "报请本级人民政府批准",
        "前作出",
    ],
    "non_acceptance_notice": [
        "不予受理的理由",
        "第三十二条第一款",
        "决定不予受理",
        "行政复议",
        "六十日",
        "行政诉讼",
        "六个月",
    ],
    "transition_approval": [
        "收悉",
        "现批复如下",
        "国土资规〔2015〕5号",
        "经县级以上地方政府批准，对利用存量建筑兴办国家支持产业、行业提供普惠性生活服务的，"
        "可享受5年内不改变用地主体和规划条件的过渡期支持政策",
        "过渡期内不改变用地主体和规划条件",
        "过渡期满或者过渡期内转让的，应当按新用途办理用地手续（以协议方式办理",
        "或者恢复原用途",
        "有关部门意见",
        "此复",
    ],
    "non_approval_decision": [
        "不予批准的理由",
        "决定不予批准",
        "国土资规〔2015〕5号",
        "行政复议",
        "六十日",
        "行政诉讼",
        "六个月",
    ],
    "termination_decision": [
        "经查",
        "终止你单位享受的过渡期支持政策",
        "原批复同时失效",
        "以协议方式办理",
        "恢复原用途",
        "行政复议",
        "六十日",
        "行政诉讼",
        "六个月",
    ],
    # fire_filing
    "filing_receipt": [
        "予以备案",
        "《中华人民共和国消防法》第十三条",
        "住房和城乡建设部令第51号",
        "办理程序：简易程序",
        "办理方式：告知承诺",
        "300平方米以下或总投资30万元以下",
        "双随机、一公开",
        "十五个工作日内完成检查",
    ],
    "exemption_confirmation": [
        "免于办理消防验收备案手续",
        "300平方米以下或总投资30万元以下",
        "市县可因地制宜优化办理消防验收备案手续",
        "免于备案不免除消防安全责任",
    ],
    "rectification_notice": [
        "检查发现的问题",
        "第十三条第三款",
        "第三十八条",
        "立即停止使用上述不合格部位",
        "书面申请复查",
        "七个工作日内进行复查",
        "行政复议",
        "六十日",
        "行政诉讼",
        "六个月",
    ],
    "inspection_result": ["双随机、一公开", "第三十七条", "检查情况", "检查结论：合格", "可以继续使用", "向社会公示"],
    # childcare_filing
    "childcare_receipt": ["托育机构登记和备案办法（试行）", "予以备案", "十五个工作日内", "注销备案", "托育服务类型"],
    "explanation_notice": ["核查发现的问题", "书面情况说明", "向社会公开"],
    "noncompliance_notice": ["核查结论", "你机构的情况说明", "向社会公开", "行政复议", "六十日", "行政诉讼", "六个月"],
}
PREMISE_KINDS = ["receipt", "correction_notice", "registration_notice", "refusal_notice", "revocation_decision"]
LAND_KINDS = [
    "acceptance_notice",
    "non_acceptance_notice",
    "transition_approval",
    "non_approval_decision",
    "termination_decision",
]
FIRE_KINDS = ["filing_receipt", "exemption_confirmation", "rectification_notice", "inspection_result"]
CHILDCARE_KINDS = ["childcare_receipt", "explanation_notice", "noncompliance_notice"]
# Plain-text snapshot keys a kind must print verbatim whenever its snapshot has them.
PRINTED_KEYS = (
    "deadline_cn",
    "first_day_cn",
    "last_day_cn",
    "recheck_due_cn",
    "reasons",
    "remedies",
    "findings",
    "route_zh",
    "mode_zh",
)
# (kind, key) for every adverse kind's reasons, findings and remedies: a gap must stop the render.
ADVERSE_KEYS = [
    (kind, key)
    for kind in KIND_TEXT
    for key in ("reasons", "findings", "remedies")
    if "remedies" in sample_snapshot(kind) and key in sample_snapshot(kind)
]


def poppler(tool: str, data: bytes, *args: str) -> str:
    """Run a poppler tool on PDF bytes via stdin ("-"); pdftotext also writes to stdout ("-")."""
    files = ["-", "-"] if tool == "pdftotext" else ["-"]
    return subprocess.run([tool, *args, *files], input=data, capture_output=True, check=True).stdout.decode()


def squeeze(text: str) -> str:
    """Whitespace removed: -layout wraps table cells and paragraphs at arbitrary places."""
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def rendered() -> dict[str, bytes]:
    return {kind: render(kind, sample_snapshot(kind)) for kind in KINDS}


def test_kinds_are_the_documents_of_the_procedures():
    assert {k: (v["title_zh"], v["code"]) for k, v in KINDS.items()} == {
        "receipt": ("接收申请材料凭证", "收"),
        "correction_notice": ("补正通知书", "补"),
        "registration_notice": ("经营场所登记通知书", "经登"),
        "refusal_notice": ("不予登记通知书", "不登"),
        "revocation_decision": ("撤销登记决定书", "撤登"),
        "acceptance_notice": ("受理通知书", "受"),
        "non_acceptance_notice": ("不予受理通知书", "不受"),
        "transition_approval": ("关于同意利用存量建筑兴办普惠性生活服务设施享受过渡期政策的批复", "批"),
        "non_approval_decision": ("不予批准决定书", "不批"),
        "termination_decision": ("终止过渡期决定书", "终"),
        "filing_receipt": ("建设工程消防验收备案凭证", "消备"),
        "exemption_confirmation": ("免于消防验收备案确认书", "消免"),
        "rectification_notice": ("责令停止使用、限期整改通知书", "消改"),
        "inspection_result": ("消防验收备案抽查结果通知书", "消查"),
        "childcare_receipt": ("托育机构备案回执", "托备"),
        "explanation_notice": ("情况说明通知书", "托说"),
        "noncompliance_notice": ("托育机构核查不符合要求告知书", "托核"),
    }
    assert set(KINDS) == set(PREMISE_KINDS + LAND_KINDS + FIRE_KINDS + CHILDCARE_KINDS) == set(KIND_TEXT)
    assert all(meta["title_en"] for meta in KINDS.values())
    codes = [meta["code"] for meta in KINDS.values()]
    # Counters run per (authority, kind): two kinds sharing a code would print the same number.
    assert len(set(codes)) == len(codes)


@pytest.mark.parametrize("kind", KINDS)
def test_sample_number_carries_the_kind_code(kind):
    # 哈道住建 + 消备 + 字〔2026〕51号, 哈道卫健 + 托备 + …: what workflows.documents.number_for builds.
    number = sample_snapshot(kind)["number"]
    assert re.fullmatch(
        r"哈道(市监|自然资规|政|住建|卫健)" + re.escape(KINDS[kind]["code"]) + r"字〔20\d\d〕[1-9]\d*号", number
    ), number


@pytest.mark.parametrize("kind", KINDS)
def test_document_text_is_extractable(rendered, kind):
    data, snap = rendered[kind], sample_snapshot(kind)
    assert data.startswith(b"%PDF")
    # -layout interleaves two cells of a row that both wrap; reading order keeps each cell whole.
    texts = squeeze(poppler("pdftotext", data, "-layout")), squeeze(poppler("pdftotext", data))
    expected = [
        snap["number"],
        KINDS[kind]["title_zh"],
        snap["authority_name"],
        snap["holder_name"],
        snap["holder_code"],
        snap["application_number"],
        snap["issue_date_cn"],
        *(row["value"] for row in snap["facts"]),
        *KIND_TEXT[kind],
    ]
    expected += [snap[key] for key in PRINTED_KEYS if key in snap]
    for item in snap.get("items", []):
        expected += [item["label"], item["reason"]]
    for opinion in snap.get("opinions", []):
        expected += [opinion["department"], opinion["agree"], opinion["text"]]
    missing = [s for s in expected if not any(squeeze(s) in text for text in texts)]
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


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        (ASSETS / "..").as_uri() + "/render.py",
        ASSETS.as_uri() + "/../render.py",
        ASSETS.as_uri() + "/%2e%2e/render.py",
        ASSETS.as_uri() + "/missing.css",
        "http://example.com/document.css",
        "data:text/plain,hello",
    ],
)
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


@pytest.mark.parametrize(("kind", "key"), ADVERSE_KEYS)
def test_an_adverse_decision_needs_its_reasons_and_remedies(kind, key):
    snap = sample_snapshot(kind)
    del snap[key]
    with pytest.raises(jinja2.UndefinedError):
        html(kind, snap)


def test_the_correction_notice_fits_every_procedure():
    """One template serves premise, land and fire applications: it names none of them."""
    snap = {**sample_snapshot("correction_notice"), "facts": [], "items": [{"label": "材料", "reason": "原因"}]}
    body = re.sub(r"<[^>]+>", "", html("correction_notice", snap))
    for word in ("经营场所", "市场主体", "登记申请", "存量建筑", "过渡期", "消防", "备案"):
        assert word not in body, word


def pdf_text(kind: str, **changes) -> str:
    return squeeze(poppler("pdftotext", render(kind, {**sample_snapshot(kind), **changes}), "-layout"))


def test_the_transition_period_is_printed_with_both_dates(rendered):
    for kind in ("transition_approval", "termination_decision"):
        snap = sample_snapshot(kind)
        text = squeeze(poppler("pdftotext", rendered[kind], "-layout"))
        assert f"过渡期自{snap['first_day_cn']}起至{snap['last_day_cn']}止，共五年" in text, kind


def test_a_late_filing_says_so_and_will_be_inspected(rendered):
    on_time = squeeze(poppler("pdftotext", rendered["filing_receipt"], "-layout"))
    assert "逾期" not in on_time
    late = pdf_text("filing_receipt", late=True)
    assert "逾期备案：" in late and "第五十八条" in late and "直接确定为抽查对象" in late


def test_a_filing_receipt_words_each_route_and_mode(rendered):
    promise = squeeze(poppler("pdftotext", rendered["filing_receipt"], "-layout"))
    assert "适用简易程序办理" in promise and "书面承诺" in promise
    fast = pdf_text("filing_receipt", mode_zh="容缺受理")
    assert "容缺受理" in fast and "五个工作日内补齐" in fast and "书面承诺" not in fast
    standard = pdf_text("filing_receipt", route_zh="一般程序", mode_zh="一般")
    assert "办理程序：一般程序；办理方式：一般。" in standard
    assert "适用简易程序" not in standard and "书面承诺" not in standard and "容缺" not in standard
    assert "双随机、一公开" in standard


def test_a_failed_spot_check_orders_a_stop_and_states_remedies():
    snap = sample_snapshot("rectification_notice")
    text = pdf_text("inspection_result", passed=False, findings=snap["findings"], remedies=snap["remedies"])
    for words in (
        "检查结论：不合格",
        "应当停止使用",
        "《责令停止使用、限期整改通知书》",
        squeeze(snap["findings"]),
        snap["remedies"],
        "六十日",
        "六个月",
    ):
        assert words in text, words
    assert "可以继续使用" not in text
    with pytest.raises(jinja2.UndefinedError):  # a failed inspection is adverse: remedies required
        html("inspection_result", {**sample_snapshot("inspection_result"), "passed": False})


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
    subprocess.run(
        ["pdftoppm", "-png", "-r", "300", "-singlefile", str(tmp_path / "qr.pdf"), str(tmp_path / "qr")], check=True
    )
    image = Image.open(tmp_path / "qr.png").convert("L")
    cell = image.width / size
    printed = [
        [image.getpixel((int((x + 0.5) * cell), int((y + 0.5) * cell))) < 128 for x in range(size)] for y in range(size)
    ]
    reference = qrcode.QRCode(border=0, error_correction=qrcode.constants.ERROR_CORRECT_M, mask_pattern=4)
    reference.add_data(url)
    assert printed == reference.get_matrix()  # the library's own encoding of the URL, module for module


def test_harfbuzz_subset_is_available_here():
    assert harfbuzz_subset_available() is True
