"""The procedure diagram on the application pages and the service guides; the upload form's size check."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.web.pages import html, new_draft

STATIC = Path(__file__).resolve().parents[2] / "static"


def diagram_src(page: str) -> str:
    return re.search(r'<details class="diagram" id="diagram">.*?<img src="([^"]+)"', page, re.S).group(1)


def test_application_pages_show_the_diagram_with_the_current_state(api, login):
    app_ = api.submitted()
    for client, url in ((login("clerk_daoli"), f"/console/applications/{app_['id']}"),
                        (login("alice"), f"/my/applications/{app_['id']}")):
        src = diagram_src(html(client.get(url)))
        assert src == f"/api/v1/applications/{app_['id']}/diagram.svg"
        svg = client.get(src)                                          # the session is enough for a GET
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert login("bob").get(f"/api/v1/applications/{app_['id']}/diagram.svg").status_code == 404


@pytest.mark.parametrize("name", ["premise_addition", "land_transition", "fire_filing"])
def test_guides_show_the_procedure_diagram(client, name):
    page = html(client.get(f"/guides/{name}"))
    src = re.search(r'<figure class="diagram">\s*<img src="([^"]+)"', page).group(1)
    assert src == f"/api/v1/procedures/{name}/diagram.svg"
    svg = client.get(src)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


def test_upload_form_checks_the_size_before_sending(app, login):
    app.config["UPLOAD_MAX_BYTES"] = 2 * 1024 * 1024
    alice = login("alice")
    page = html(alice.get(f"/my/applications/{new_draft(alice)}"))
    form = re.search(r'<form[^>]*class="upload"[^>]*>.*?</form>', page, re.S).group(0)
    assert 'data-max-bytes="2097152"' in form and "不超过2 MiB" in form
    assert '<p class="error-text upload-error" role="alert" hidden></p>' in form       # where the message goes
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    assert "form.upload[data-max-bytes]" in script and "event.preventDefault()" in script and "超过" in script
