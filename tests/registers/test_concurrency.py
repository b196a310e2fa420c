"""Registers under real contention (PostgreSQL): many first applications for one new enterprise at once make one
enterprise record and one account link each, never a 500; concurrent decisions on one application leave one entry."""

from __future__ import annotations

from sqlalchemy import func, select

from models import Enterprise, EnterpriseAccount, RegisterEntry, db
from tests.conftest import premise_fields
from tests.reliability.conftest import requires_postgres
from tests.reliability.test_contention import race_threads
from tests.reliability.world import CLERK, OWNER, STRANGER

pytestmark = requires_postgres
NEW = "91350200776049653A"


def test_first_applications_of_one_enterprise_at_once(world, app):
    body = {"procedure": "premise_addition", "fields": premise_fields(credit_code=NEW, enterprise_name="厦门新企业")}
    calls = [("/api/v1/applications", world.headers(who), body) for who in (OWNER.username, STRANGER.username) * 6]
    results, _seconds = race_threads(app, calls)
    assert [status for status, _body in results] == [201] * 12, results
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(Enterprise)).scalar() == 1
        links = db.session.execute(select(EnterpriseAccount.user_id, EnterpriseAccount.capacity)).all()
        assert sorted(c for _u, c in links) == ["agent", "own"]  # one of them is the enterprise's own


def test_concurrent_decisions_leave_one_entry(world, app):
    submitted = world.bring("premise_addition", "submitted")
    calls = [
        (
            f"/api/v1/applications/{submitted['id']}/events",
            world.headers(CLERK["premise_addition"]),
            {"event": "register", "version": submitted["version"]},
        )
    ] * 6
    results, _seconds = race_threads(app, calls)
    assert sorted(status for status, _b in results) == [200] + [409] * 5, results
    with app.app_context():
        assert db.session.execute(select(func.count()).select_from(RegisterEntry)).scalar() == 1
