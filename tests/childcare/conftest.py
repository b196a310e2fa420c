"""childcare_filing tests: the health bureau's staff, a complete application and helpers through the real API."""

from __future__ import annotations

import pytest

from models import db
from tests.conftest import PDF_BYTES
from tests.reliability.world import ATTACHMENTS, FIELDS
from workflows import accounts

HEALTH_STAFF = [
    ("health_clerk", "clerk", "230102:health"),
    ("health_inspector", "inspector", "230102:health"),
    ("health_approver", "approver", "230102:health"),
    ("health_clerk_nangang", "clerk", "230103:health"),
    ("housing_clerk", "clerk", "230102:housing"),
]
CHILDCARE = FIELDS["childcare_filing"]
KINDS = ATTACHMENTS["childcare_filing"]  # every material, the fire-safety proof included
NONCOMPLIANT = {"compliant": False, "findings": "托小班保育人员与婴幼儿比例低于1:5"}


class Childcare:
    """Drafts, uploads and events of childcare_filing as alice and the health bureau see them."""

    def __init__(self, api):
        self.api = api

    def draft(self, user="alice", **fields) -> dict:
        r = self.api.post(
            "/api/v1/applications", user, json={"procedure": "childcare_filing", "fields": {**CHILDCARE, **fields}}
        )
        assert r.status_code == 201, r.get_json()
        return r.get_json()

    def complete(self, kinds=KINDS, **fields) -> dict:
        body = self.draft(**fields)
        for kind in kinds:
            assert self.api.upload(body["id"], kind=kind, data=PDF_BYTES).status_code == 201
        return body

    def fire(self, app_id, event, user, data=None):
        """Fired by `user` at the current version (read by its applicant: others may not even see it)."""
        return self.api.fire(app_id, event, user, data, version=self.get(app_id)["version"])

    def ok(self, app_id, event, user, data=None) -> dict:
        r = self.fire(app_id, event, user, data)
        assert r.status_code == 200, (event, user, r.get_json())
        return r.get_json()

    def submitted(self, **fields) -> dict:
        return self.ok(self.complete(**fields)["id"], "submit", "alice")

    def filed(self, **fields) -> dict:
        return self.ok(self.submitted(**fields)["id"], "file", "health_clerk")

    def asked(self, **fields) -> dict:
        return self.ok(self.filed(**fields)["id"], "record_verification", "health_inspector", NONCOMPLIANT)

    def get(self, app_id, user="alice") -> dict:
        return self.api.get(f"/api/v1/applications/{app_id}", user).get_json()


@pytest.fixture
def childcare(app, api):
    with app.app_context():
        for name, role, authority in HEALTH_STAFF:
            accounts.create_user(name, "correct-horse-9", role, authority)
        db.session.commit()
    return Childcare(api)


def fields_named(response) -> set[str]:
    return {d["field"] for d in response.get_json()["error"]["details"]}
