"""The procedure diagram on the application pages and the service guides; the upload form's size check."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from tests.web.pages import html, new_draft

STATIC = Path(__file__).resolve().parents[2] / "static"


def diagram_src(page: str) -> str:
    return re.search(r'<details class="diagram" id="diagram">.*?<img src="([^"]+)"', page, re.S).group(1)


def test_application_pages_show_the_diagram_with_the_current_state(api, login):
    app_ = api.submitted()
    for client, url in (
        (login("clerk_daoli"), f"/console/applications/{app_['id']}"),
        (login("alice"), f"/my/applications/{app_['id']}"),
    ):
        src = diagram_src(html(client.get(url)))
        assert src == f"/api/v1/applications/{app_['id']}/diagram.svg?lang=zh"
        svg = client.get(src)  # the session is enough for a GET
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert login("bob").get(f"/api/v1/applications/{app_['id']}/diagram.svg").status_code == 404


@pytest.mark.parametrize("name", ["premise_addition", "land_transition", "fire_filing"])
def test_guides_show_the_procedure_diagram(client, name):
    page = html(client.get(f"/guides/{name}"))
    src = re.search(r'<figure class="diagram">\s*<img src="([^"]+)"', page).group(1)
    assert src == f"/api/v1/procedures/{name}/diagram.svg?lang=zh"
    svg = client.get(src)
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"


@pytest.mark.parametrize("name", ["premise_addition", "land_transition", "fire_filing"])
def test_diagrams_speak_the_pages_language(client, name):
    """The <img> asks in the page's language (its Accept-Language need not be the page's): in English the
    states and the events are English alone; in Chinese the states carry their English too."""
    from workflows.registry import PROCEDURES

    proc = PROCEDURES[name]
    client.post("/lang", data={"lang": "en", "next": "/"})
    src = re.search(r'<figure class="diagram">\s*<img src="([^"]+)"', html(client.get(f"/guides/{name}"))).group(1)
    assert src.endswith("?lang=en")
    en = client.get(src, headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert all(e.en in unescape(en) for e in proc.events) and not re.search(r"[\u4e00-\u9fff]", en)
    zh = client.get(src.replace("lang=en", "lang=zh")).get_data(as_text=True)
    assert all(e.zh in zh for e in proc.events) and all(f">{en_}<" in zh for _zh, en_ in proc.states.values())


@pytest.mark.parametrize("query", ["lang=fr", "lang=", "lang=EN", "lang=%E4%B8%AD"])
def test_a_diagram_in_an_unknown_language_is_refused(client, query):
    r = client.get(f"/api/v1/procedures/fire_filing/diagram.svg?{query}")
    error = r.get_json()["error"]
    assert r.status_code == 422 and error["details"][0]["field"] == "lang" and "zh" in error["message"]


def test_upload_form_checks_the_size_before_sending(app, login):
    app.config["UPLOAD_MAX_BYTES"] = 2 * 1024 * 1024
    alice = login("alice")
    page = html(alice.get(f"/my/applications/{new_draft(alice)}"))
    form = re.search(r'<form[^>]*class="upload general-upload"[^>]*>.*?</form>', page, re.S).group(0)
    assert 'data-max-bytes="2097152"' in form and "不超过2 MiB" in form
    assert '<p class="error-text upload-error" role="alert" hidden></p>' in form  # where the message goes
    script = (STATIC / "app.js").read_text(encoding="utf-8")
    assert "form.upload[data-max-bytes]" in script and "event.preventDefault()" in script and "超过" in script
