"""Statistics and evaluation fixtures: premise applications brought to a state on a chosen day."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from tests.engine.conftest import fast_pdf  # noqa: F401  (fixture)
from tests.engine.spec import VALID_DATA


@pytest.fixture(autouse=True)
def _fast_pdf(fast_pdf):  # noqa: F811
    """These tests count decisions; the documents' typesetting is tested elsewhere."""


@pytest.fixture
def on(app):
    """on("2026-12-01"): the business date the engine takes as today from now on."""

    def set_today(day: str) -> None:
        app.config["TODAY"] = date.fromisoformat(day)

    return set_today


@pytest.fixture
def premise(api):
    """premise(("accept", "clerk_daoli"), …) -> a fresh submitted premise_addition after those events."""
    counter = itertools.count(1)

    def make(*steps, user="alice") -> dict:
        app = api.submitted(user, premise_address=f"中央大街{next(counter)}号")
        for event, actor in steps:
            app = step(api, app, event, actor)
        return app

    return make


def step(api, app: dict, event: str, actor: str, data=None) -> dict:
    r = api.fire(app["id"], event, actor, data if data is not None else VALID_DATA.get(event))
    assert r.status_code == 200, r.get_json()
    return r.get_json()
