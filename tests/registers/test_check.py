"""`flask registers check`: every entry against the decisions that made it; a changed, missing or stray entry is
reported and the command exits 1."""

from __future__ import annotations

from sqlalchemy import delete, update

from models import RegisterEntry, db


def test_the_check_passes_then_finds_what_was_changed(world, runner, app):
    registered = world.bring("premise_addition", "registered")
    cancelled = world.bring("premise_addition", "registered")
    world.fire(cancelled["id"], "cancel", "alice", {})
    land = world.bring("land_transition", "in_transition")
    world.bring("fire_filing", "selected")
    r = runner.invoke(args=["registers", "check"])
    assert r.exit_code == 0 and "registers match their decisions" in r.output
    with app.app_context():
        db.session.execute(
            update(RegisterEntry)
            .where(RegisterEntry.application_id == registered["id"])
            .values(address="道里区别处1号")
        )
        db.session.execute(
            update(RegisterEntry)
            .where(RegisterEntry.application_id == cancelled["id"])
            .values(status="in_force", in_force=True)
        )
        db.session.execute(delete(RegisterEntry).where(RegisterEntry.application_id == land["id"]))
        db.session.commit()
    r = runner.invoke(args=["registers", "check"])
    assert r.exit_code == 1
    assert f"application {registered['id']}: entry address is '道里区别处1号'" in r.output
    assert f"application {cancelled['id']}: entry status is 'in_force', its decisions say 'cancelled'" in r.output
    assert (
        f"application {land['id']}: its decisions put a transitions entry in force (in_force), "
        "but the register has none"
    ) in r.output
