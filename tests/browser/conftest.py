"""Browser tests: the test app served over HTTP in a thread (CSRF on), Debian's Chromium driven by
Playwright, one logged-in browser context per person, a screenshot per step under
test-artifacts/screenshots/ (git-ignored). Every test here is marked `browser` (pytest -m browser)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import expect, sync_playwright
from werkzeug.serving import make_server

from models import db
from tests.conftest import PASSWORD
from workflows import accounts

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"
DESKTOP = {"width": 1280, "height": 900}

# the README's demo staff of 道里区 for the land transition and the fire filing (tests.conftest has the rest)
DEMO_STAFF = [
    ("nr_clerk_daoli", "clerk", "230102:natural_resources"),
    ("gov_approver_daoli", "approver", "230102:government"),
    ("reviewer_civil_daoli", "reviewer", "230102:civil_affairs"),
    ("reviewer_housing_daoli", "reviewer", "230102:housing"),
    ("housing_clerk_daoli", "clerk", "230102:housing"),
]


def pytest_collection_modifyitems(config, items):
    """Everything under tests/browser is a browser test, and skipped where Chromium is missing."""
    here = Path(__file__).parent
    missing = pytest.mark.skip(reason=f"{CHROMIUM} is not installed")
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if not os.path.exists(CHROMIUM):
                item.add_marker(missing)


@pytest.fixture
def server(app, users):
    """The test app served over HTTP in a thread, CSRF protection on, documents pointing at it."""
    with app.app_context():
        for name, role, authority in DEMO_STAFF:
            accounts.create_user(name, PASSWORD, role, authority, display_name=name)
        db.session.commit()
    app.config["WTF_CSRF_ENABLED"] = True
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    base = f"http://127.0.0.1:{httpd.server_port}"
    app.config["BASE_URL"] = base
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield base
    httpd.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


class People:
    """One browser context per person, logged in through the login page; page errors collected."""

    def __init__(self, browser, server):
        self.browser, self.server, self.contexts, self.errors = browser, server, [], []

    def page(self, viewport=None, **context_args):
        context = self.browser.new_context(viewport=viewport or DESKTOP, locale="zh-CN", **context_args)
        context.set_default_timeout(15_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda exc: self.errors.append(f"{page.url}: {exc}"))
        # a 4xx an enhancement expects (autosave of a bad value, a refused upload) is logged by Chromium
        # as "Failed to load resource"; anything else on the console (a CSP refusal, a script error) is not ok
        page.on(
            "console",
            lambda m: (
                self.errors.append(f"{page.url}: {m.text}")
                if m.type == "error" and not m.text.startswith("Failed to load resource")
                else None
            ),
        )
        page.on("dialog", lambda d: d.accept())  # the data-confirm questions: yes
        return page

    def login(self, username, viewport=None, **context_args):
        page = self.page(viewport, **context_args)
        page.goto(f"{self.server}/login")
        page.fill("#username", username)
        page.fill("#password", PASSWORD)
        page.click("form button[type=submit].primary")
        page.wait_for_load_state()
        expect(page.locator("header.site .who")).to_be_visible()
        return page

    def close(self):
        for context in self.contexts:
            context.close()


@pytest.fixture
def people(browser, server):
    crowd = People(browser, server)
    yield crowd
    crowd.close()
    assert not crowd.errors, crowd.errors


@pytest.fixture(scope="session")
def real_pdf() -> bytes:
    """A real one-page A4 PDF (WeasyPrint), as an applicant would upload."""
    import weasyprint

    return weasyprint.HTML(string="<h1>房屋租赁合同</h1><p>出租方：哈尔滨市道里区城市建设投资有限公司</p>").write_pdf()


def shot(page, name: str) -> None:
    """Every step a test shows is kept as a screenshot and audited for accessibility (axe-core): a violation on
    any page state any procedure reaches fails the test that reached it."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)
    problems = axe_violations(page)
    assert not problems, f"{name}:\n" + "\n".join(problems)


AXE = Axe()


def axe_violations(page) -> list[str]:
    """What axe-core finds wrong on the page as it is: rule, impact, the first elements and axe's explanation."""
    found = AXE.run(page).response["violations"]
    return [
        f"{page.url} [{v['id']}, {v['impact']}] {v['help']}: "
        + "; ".join(f"{n['target']} {n.get('failureSummary', '')}" for n in v["nodes"][:3])
        for v in found
    ]
