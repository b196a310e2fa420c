"""Web-page helpers: form data as a browser posts it, small HTML probes, event posts."""

from __future__ import annotations

import io
import re

from tests.conftest import PDF_BYTES, premise_fields


def form_fields(**over) -> dict:
    """premise_fields() as the draft form posts them: 是/否 selects as yes/no."""
    out = {}
    for name, value in premise_fields(**over).items():
        out[name] = ("yes" if value else "no") if isinstance(value, bool) else value
    return out


def html(response) -> str:
    return response.get_data(as_text=True)


def version_on(page: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', page).group(1))


def block(page: str, element_id: str) -> str:
    """The markup from the tag with id="<element_id>" up to the next field or attachment block."""
    start = page.rindex("<", 0, page.index(f'id="{element_id}"'))
    after = page.index(f'id="{element_id}"') + 5
    ends = [i for i in (page.find('id="f-', after), page.find('id="a-', after)) if i != -1]
    return page[start : min(ends) if ends else len(page)]


def upload_data(kind="premise_use_document", data=PDF_BYTES, filename="lease.pdf") -> dict:
    return {"kind": kind, "file": (io.BytesIO(data), filename)}


def new_draft(client, **over) -> int:
    r = client.post("/my/new/premise_addition", data={**form_fields(**over), "action": "save"})
    assert r.status_code == 303, html(r)
    return int(r.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def fire(client, where: str, app_id: int, event: str, **data):
    """Post an event form as the page does: the version the page shows, plus the event's inputs."""
    page = html(client.get(f"/{where}/applications/{app_id}"))
    form = re.search(rf'<form[^>]*data-event="{event}".*?</form>', page, re.S)
    if form and 'name="declare"' in form.group(0):
        data = {"declare": "yes", **data}  # the applicant ticks the declaration (承诺) the form asks for
    return client.post(
        f"/{where}/applications/{app_id}/events",
        data={"event": event, "version": version_on(page), **data},
        headers={"Referer": f"http://localhost/{where}/applications/{app_id}"},
    )
