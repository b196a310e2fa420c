"""Engine-test helpers: bring a fresh premise_addition application to a state through the API."""

from __future__ import annotations

import itertools

import pytest

import pdf

# How each state is reached from a fresh draft: (event, actor) steps after submit.
ROUTES = {
    "draft": None,  # complete, with its attachment, not submitted
    "submitted": [],
    "under_review": [("accept", "clerk_daoli")],
    "correction_required": [("request_correction", "clerk_daoli")],
    "registered": [("register", "clerk_daoli")],
}


@pytest.fixture
def fast_pdf(monkeypatch):
    """Tests about permissions and dates need a document's number and status, not its typesetting: a tiny PDF,
    still signed (the signing path runs everywhere; ~15 ms a document)."""
    from tests.signing import tiny_pdf, tiny_render_for_signing

    monkeypatch.setattr(pdf, "render", lambda kind, snapshot: tiny_pdf(kind))
    monkeypatch.setattr(pdf, "render_for_signing", tiny_render_for_signing)


@pytest.fixture
def bring(api):
    """bring("under_review") -> the application object of a fresh application in that state."""
    from tests.engine.spec import VALID_DATA

    counter = itertools.count(1)

    def to_state(state: str, **fields) -> dict:
        fields.setdefault("premise_address", f"中央大街{next(counter)}号")
        if ROUTES[state] is None:  # a complete draft, ready to submit
            app = api.draft(**fields)
            assert api.upload(app["id"]).status_code == 201
            return app
        app = api.submitted(**fields)
        for event, actor in ROUTES[state]:
            r = api.fire(app["id"], event, actor, VALID_DATA[event])
            assert r.status_code == 200, r.get_json()
            app = r.get_json()
        assert app["state"] == state
        return app

    return to_state
