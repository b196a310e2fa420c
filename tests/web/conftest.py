"""Web-page fixtures: logged-in test clients (CSRF is off in tests)."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD


@pytest.fixture
def login(app, users):
    """login("alice") -> a test client with alice's session cookie (CSRF is off in tests)."""

    def make(username: str):
        client = app.test_client()
        r = client.post("/login", data={"username": username, "password": PASSWORD})
        assert r.status_code == 302, r.data.decode()
        return client

    return make
