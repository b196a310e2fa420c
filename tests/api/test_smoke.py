"""The demo path of issue 2: file, register, download, verify."""


def test_file_register_verify(api):
    app = api.submitted()
    assert app["state"] == "submitted"
    assert app["deadline"] == {"due": "2026-11-30", "provisional": False, "basis": app["deadline"]["basis"]}
    r = api.fire(app["id"], "register", "clerk_daoli")
    assert r.status_code == 200, r.get_json()
    body = r.get_json()
    assert body["state"] == "registered"
    doc = body["documents"][0]
    assert doc["kind"] == "registration_notice"
    pdf = api.get(doc["url"], "alice")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    token = doc["verify_url"].rsplit("/", 1)[1]
    v = api.get(f"/api/v1/verify/{token}")
    assert v.status_code == 200 and v.get_json()["status"] == "valid"


def test_printed_content_digest_matches_verification(api):
    import subprocess

    app = api.submitted()
    doc = api.fire(app["id"], "register", "clerk_daoli").get_json()["documents"][0]
    pdf = api.get(doc["url"], "alice").data
    text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    verified = api.get(f"/api/v1/verify/{doc['verify_url'].rsplit('/', 1)[1]}").get_json()
    assert len(verified["content_digest"]) == 16 and verified["content_digest"] in text
    assert verified["sha256"] == __import__("hashlib").sha256(pdf).hexdigest()
