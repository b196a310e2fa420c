"""Accessibility: axe-core (the engine of the common audits, bundled by axe-playwright-python) run in Chromium on
every kind of page — public, applicant, clerk and admin — in Chinese and in English, at desktop and phone width
(the path tests audit each step they screenshot too: conftest.shot).
Any violation it reports (contrast, names of controls, heading order, landmarks, focusable scroll regions …)
fails the test, with the rule, the elements and axe's own explanation."""

from __future__ import annotations

import pytest

from tests.browser.conftest import DESKTOP, axe_violations

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}


def pages(api, server) -> dict[str | None, list[str]]:
    """Who looks at what: None is anyone, without logging in."""
    draft = api.draft("alice")
    submitted = api.submitted()
    registered = api.submitted()
    doc = api.fire(registered["id"], "register", "clerk_daoli").get_json()["documents"][0]
    verify = doc["verify_url"].split("/verify/", 1)[1]
    entry = api.get("/api/v1/registers/premises").get_json()["items"][0]["id"]
    return {
        None: [
            "/",
            "/guides",
            "/guides/premise_addition",
            "/guides/land_transition",
            "/guides/fire_filing",
            "/login",
            "/register",
            "/verify",
            f"/verify/{verify}",
            "/draws",
            "/progress",
            f"/progress?number={registered['number']}&credit_code=91330100716105852F",
            "/no-such-page",
            "/registers/",
            "/registers/premises",
            f"/registers/premises/{entry}",
            "/registers/premises?division=1",
        ],
        "alice": [
            "/my/",
            f"/my/applications/{draft['id']}",
            f"/my/applications/{registered['id']}",
            "/my/new/fire_filing",
            "/my/new/land_transition",
            "/enterprises/",
            f"/enterprises/{registered['fields']['credit_code']}",
        ],
        "clerk_daoli": [
            "/console/",
            f"/console/applications/{submitted['id']}",
            "/stats",
            f"/enterprises/{registered['fields']['credit_code']}",
        ],
        "admin": ["/admin/", "/admin/users", "/admin/authorities", "/admin/holidays", "/admin/security"],
    }


@pytest.mark.parametrize(
    "lang, viewport", [("zh", DESKTOP), ("en", DESKTOP), ("zh", PHONE)], ids=["zh-desktop", "en-desktop", "zh-phone"]
)
def test_every_kind_of_page_passes_axe(people, server, api, lang, viewport):
    problems = []
    for user, paths in pages(api, server).items():
        page = people.login(user, viewport) if user else people.page(viewport)
        if lang == "en":
            page.goto(server + "/")
            page.locator("header.site :is(form.lang-switch, #lang-switch) button[value=en]").click()
            page.wait_for_load_state()
        for path in paths:
            page.goto(server + path)
            assert page.locator("html").get_attribute("lang").startswith(lang)
            problems += axe_violations(page)
    assert not problems, "\n".join(problems)
