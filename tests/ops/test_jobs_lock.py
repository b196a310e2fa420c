"""`flask jobs run` on two machines at once: the second finds the advisory lock taken and changes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, func, select, text

from models import Notification, db
from tests.conftest import PG_URL
from tests.ops.conftest import make_overdue
from workflows import jobs


def notifications(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Notification)).scalar_one()


@pytest.fixture
def overdue(app, api):
    make_overdue(app, api.submitted()["id"])


@pytest.mark.skipif(not PG_URL, reason="advisory locks are PostgreSQL's (SQLite serialises writers anyway)")
def test_a_second_run_reports_the_lock_and_changes_nothing(app, runner, overdue):
    other_machine = create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with other_machine.connect() as conn:
        assert conn.execute(select(func.pg_try_advisory_lock(jobs.LOCK_KEY))).scalar() is True
        before = notifications(app)
        result = runner.invoke(args=["jobs", "run", "--as-of", "2026-11-25"])
        assert result.exit_code == 0, result.output
        assert "another jobs run is in progress" in result.output
        assert notifications(app) == before
        conn.execute(select(func.pg_advisory_unlock(jobs.LOCK_KEY)))
        conn.commit()
    other_machine.dispose()
    result = runner.invoke(args=["jobs", "run", "--as-of", "2026-11-25"])
    assert result.exit_code == 0 and "in progress" not in result.output
    assert notifications(app) > before


@pytest.mark.skipif(not PG_URL, reason="advisory locks are PostgreSQL's")
def test_the_lock_is_released_after_each_run_even_a_failed_one(app, runner, overdue, monkeypatch):
    def broken(_as_of):
        raise RuntimeError("a job failed")

    monkeypatch.setattr(jobs, "_run", broken)
    with app.app_context(), pytest.raises(RuntimeError):
        jobs.run()
    monkeypatch.undo()
    for _ in range(2):  # twice in a row: the second changes nothing and is not refused
        result = runner.invoke(args=["jobs", "run", "--as-of", "2026-11-25"])
        assert result.exit_code == 0 and "in progress" not in result.output
    with app.app_context():
        held = db.session.execute(
            text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND database = "
                "(SELECT oid FROM pg_database WHERE datname = current_database())"
            )
        ).scalar()
        assert held == 0


def test_jobs_run_works_twice_in_a_row(app, runner, overdue):
    first = runner.invoke(args=["jobs", "run", "--as-of", "2026-11-25"])
    assert first.exit_code == 0 and "notifications sent" in first.output
    count = notifications(app)
    assert count > 0
    second = runner.invoke(args=["jobs", "run", "--as-of", "2026-11-25"])
    assert second.exit_code == 0 and "0 notifications sent" in second.output
    assert notifications(app) == count


def test_run_jobs_is_a_background_task_too(app, overdue):
    from infra import tasks
    from workflows import jobs

    with app.app_context():
        summary = tasks.enqueue(jobs.run_task, "2026-11-25")  # no Redis configured: inline
    assert summary.startswith("jobs run as of 2026-11-25") and notifications(app) > 0
