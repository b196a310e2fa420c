"""An upload over the request limit comes back to its page with a message, not an error page; the API keeps 413."""

import io


def test_oversized_page_upload_flashes_and_returns(api, login):
    draft = api.draft()
    alice = login("alice")
    page = f"/my/applications/{draft['id']}"
    big = io.BytesIO(b"%PDF-" + b"0" * (13 * 1024 * 1024))
    r = alice.post(
        f"{page}/attachments",
        data={"kind": "premise_use_document", "file": (big, "big.pdf")},
        headers={"Referer": f"http://localhost{page}"},
        content_type="multipart/form-data",
    )
    assert r.status_code in (302, 303) and r.headers["Location"].endswith(page)
    assert "10 MiB" in alice.get(page).get_data(as_text=True)
    assert api.get(f"/api/v1/applications/{draft['id']}/attachments", "alice").get_json()["items"] == []
