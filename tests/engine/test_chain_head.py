"""The audit chain's head kept on the application row: each event chains to it, and it follows the last entry."""

from __future__ import annotations

from sqlalchemy import select

from models import Application, AuditEntry, db
from models.audit import GENESIS
from workflows.audit import verify_chains


def entries(app_id: int) -> list[AuditEntry]:
    return list(
        db.session.execute(
            select(AuditEntry).where(AuditEntry.application_id == app_id).order_by(AuditEntry.seq)
        ).scalars()
    )


def test_the_row_carries_the_last_entry_and_every_entry_chains_to_the_one_before(app, api):
    body = api.submitted()
    assert api.fire(body["id"], "accept", "clerk_daoli").status_code == 200
    with app.app_context():
        row, trail = db.session.get(Application, body["id"]), entries(body["id"])
        assert [e.event for e in trail] == ["create", "submit", "accept"]
        assert [e.seq for e in trail] == [1, 2, 3]
        assert [e.prev_hash for e in trail] == [GENESIS] + [e.hash for e in trail[:-1]]
        assert all(e.compute_hash() == e.hash for e in trail)
        assert (row.audit_seq, row.audit_head) == (3, trail[-1].hash)
        assert verify_chains() == []


def test_a_refused_event_leaves_the_head_where_it_was(app, api):
    body = api.submitted()
    with app.app_context():
        before = db.session.execute(
            select(Application.audit_seq, Application.audit_head).where(Application.id == body["id"])
        ).one()
    assert api.fire(body["id"], "accept", "alice").status_code == 403  # an applicant may not accept
    assert api.fire(body["id"], "accept", "clerk_daoli", version=1).status_code == 409  # stale version
    with app.app_context():
        after = db.session.execute(
            select(Application.audit_seq, Application.audit_head).where(Application.id == body["id"])
        ).one()
        assert tuple(after) == tuple(before) == (2, entries(body["id"])[-1].hash)


def test_a_row_without_a_trail_starts_the_chain_at_genesis(app, users):
    """A row written without the engine (an import) has seq 0 and the genesis head: its first entry is seq 1."""
    from models import Authority, User
    from workflows import engine

    with app.app_context():
        alice = db.session.execute(select(User).where(User.username == "alice")).scalar_one()
        clerk = db.session.execute(select(User).where(User.username == "clerk_daoli")).scalar_one()
        authority = db.session.execute(
            select(Authority).where(Authority.division_code == "230102", Authority.kind == "market_regulation")
        ).scalar_one()
        row = Application(
            procedure="premise_addition",
            state="submitted",
            number="PA-IMPORT-1",
            fields={"enterprise_name": "导入"},
            applicant_id=alice.id,
            authority_id=authority.id,
        )
        db.session.add(row)
        db.session.commit()
        assert (row.audit_seq, row.audit_head) == (0, GENESIS)
        engine.fire(row, "accept", clerk, version=row.version)
        db.session.commit()
        first = entries(row.id)
        assert [(e.seq, e.prev_hash) for e in first] == [(1, GENESIS)]
        assert (row.audit_seq, row.audit_head) == (1, first[0].hash)


def test_removing_the_last_entries_behind_the_apps_back_is_caught(app, api, runner):
    body = api.submitted()
    assert api.fire(body["id"], "accept", "clerk_daoli").status_code == 200
    with app.app_context():
        db.session.execute(
            AuditEntry.__table__.delete().where(AuditEntry.application_id == body["id"], AuditEntry.seq == 3)
        )
        db.session.commit()  # the rest of the chain is intact: only the head on the row can tell
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"application {body['id']}: the chain ends at entry 2, but the application records entry 3" in result.output
