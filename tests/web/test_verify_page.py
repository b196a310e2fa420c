"""The public verification page: by token, by pasted URL, and by uploading the PDF itself."""

import io

from weasyprint import HTML


def test_verify_by_token_url_and_upload(api, client):
    submitted = api.submitted()
    doc = api.fire(submitted["id"], "register", "clerk_daoli").get_json()["documents"][0]
    pdf = api.get(doc["url"], "alice").data
    token = doc["verify_url"].rsplit("/", 1)[1]
    page = client.get(f"/verify/{token}").get_data(as_text=True)
    assert "有效" in page and doc["number"] in page and "91330100716105852F" in page
    r = client.post("/verify", data={"token": doc["verify_url"]})
    assert r.status_code == 302 and r.headers["Location"].endswith(f"/verify/{token}")
    same = client.post("/verify", data={"file": (io.BytesIO(pdf), "notice.pdf")}, content_type="multipart/form-data")
    assert "完全一致" in same.get_data(as_text=True) and doc["number"] in same.get_data(as_text=True)
    # bytes appended after the signature: still recognised as the issued notice, but the signature says so
    appended = client.post(
        "/verify", data={"file": (io.BytesIO(pdf + b"%x"), "notice.pdf")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "签名后被追加了内容" in appended and doc["number"] in appended and 'data-valid="false"' in appended
    unsigned = HTML(string="<p>便民</p>").write_pdf()
    other = client.post(
        "/verify/upload", data={"file": (io.BytesIO(unsigned), "other.pdf")}, content_type="multipart/form-data"
    ).get_data(as_text=True)
    assert "都不一致" in other and "文件没有数字签名" in other
    assert client.get("/verify/not-a-real-token").status_code == 404
