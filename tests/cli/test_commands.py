"""The command line of API.md: init-db, users create, holidays load, audit verify, jobs run."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select, text

from app import create_app
from models import Authority, Division, Notification, User, db
from tests.conftest import PG_URL, _throwaway_postgres

GOOD_2027 = "date,kind,name\nyear,2027\n2027-01-01,holiday,元旦\n2027-02-14,workday,春节调休\n"


# ---- init-db -----------------------------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def fresh_app(request, tmp_path, monkeypatch):
    """create_app() configured the way an operator does it: BIANMIN_* variables, an empty database."""
    if request.param == "postgresql":
        if not PG_URL:
            pytest.skip("BIANMIN_TEST_DATABASE_URL not set")
        url, drop = _throwaway_postgres()
    else:
        url, drop = f"sqlite:///{tmp_path / 'fresh.sqlite'}", None
    monkeypatch.setenv("BIANMIN_DATABASE_URL", url)
    monkeypatch.setenv("BIANMIN_STORAGE_DIR", str(tmp_path / "storage"))
    monkeypatch.setenv("BIANMIN_SECRET_KEY", "cli-test")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == url
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if drop:
        drop()


def _counts(app) -> tuple[int, int, int]:
    with app.app_context():
        return (
            db.session.execute(select(func.count()).select_from(Division)).scalar(),
            db.session.execute(select(func.count()).select_from(Authority)).scalar(),
            db.session.execute(text("SELECT count(*) FROM alembic_version")).scalar(),
        )


def test_init_db_twice_adds_nothing_the_second_time(fresh_app):
    runner = fresh_app.test_cli_runner()
    first = runner.invoke(args=["init-db"])
    assert first.exit_code == 0, first.output
    assert "190 reference rows added" in first.output  # 19 divisions, 9 authority kinds each
    assert _counts(fresh_app) == (19, 171, 1)

    second = runner.invoke(args=["init-db"])
    assert second.exit_code == 0, second.output
    assert "0 reference rows added" in second.output
    assert _counts(fresh_app) == (19, 171, 1)
    with fresh_app.app_context():
        names = set(db.session.execute(select(Authority.name)).scalars())
    assert {"哈尔滨市道里区市场监督管理局", "哈尔滨市南岗区人民政府", "哈尔滨市自然资源和规划局"} <= names


# ---- users create ------------------------------------------------------------------------------


def create(runner, *args):
    return runner.invoke(args=["users", "create", *args])


@pytest.mark.parametrize(
    "args",
    [
        ["--username", "li", "--password", "long-enough-1", "--role", "clerk"],
        ["--username", "li", "--password", "long-enough-1", "--role", "approver", "--authority", "230102"],
        ["--username", "li", "--password", "long-enough-1", "--role", "clerk", "--authority", "230102:spaceship"],
        [
            "--username",
            "li",
            "--password",
            "long-enough-1",
            "--role",
            "applicant",
            "--authority",
            "230102:market_regulation",
        ],
        ["--username", "li", "--password", "long-enough-1", "--role", "admin", "--authority", "230102:housing"],
        ["--username", "li", "--password", "long-enough-1", "--role", "mayor"],
        ["--username", "li", "--password", "short", "--role", "applicant"],
        ["--username", "li wei", "--password", "long-enough-1", "--role", "applicant"],
    ],
    ids=[
        "staff without authority",
        "authority without kind",
        "unknown authority kind",
        "applicant with authority",
        "admin with authority",
        "unknown role",
        "short password",
        "space in username",
    ],
)
def test_users_create_refuses(app, runner, args):
    result = create(runner, *args)
    assert result.exit_code == 1, result.output
    with app.app_context():
        assert db.session.execute(select(User).where(User.username == "li")).scalar() is None


def test_users_create_and_duplicate(app, runner):
    ok = create(
        runner,
        "--username",
        "li",
        "--password",
        "long-enough-1",
        "--role",
        "clerk",
        "--authority",
        "230102:market_regulation",
    )
    assert ok.exit_code == 0, ok.output
    assert create(runner, "--username", "wang", "--password", "long-enough-1", "--role", "applicant").exit_code == 0
    duplicate = create(runner, "--username", "li", "--password", "other-pass-2", "--role", "applicant")
    assert duplicate.exit_code == 1
    assert "已存在" in duplicate.output or "exists" in duplicate.output
    with app.app_context():
        li = db.session.execute(select(User).where(User.username == "li")).scalar()
        assert (li.role, li.authority.key) == ("clerk", "230102:market_regulation")


# ---- holidays load -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content, line",
    [
        ("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-30,holiday,春节\n", 3),
        ("# comment\n\n2027-01-01,vacation,元旦\n", 3),
        ("2027-01-01,holiday\n", 1),
        ("2027-01-01,holiday,元旦\n2027-01-02,holiday,元旦\n2027-01-01,workday,调休\n", 3),
        ("year,27\n", 1),
        ("2027-1-1,holiday,元旦\n", 1),
    ],
    ids=["no 30 February", "unknown kind", "two fields", "duplicate date", "bad year line", "unpadded date"],
)
def test_holidays_load_bad_file_names_the_line(app, runner, tmp_path, content, line):
    path = tmp_path / "holidays.csv"
    path.write_text(content, encoding="utf-8")
    result = runner.invoke(args=["holidays", "load", str(path)])
    assert result.exit_code == 1
    assert f"line {line}:" in result.output
    assert runner.invoke(args=["holidays", "load", str(tmp_path / "missing.csv")]).exit_code == 2


def test_holidays_load_twice_replaces_the_year(app, runner, client, tmp_path):
    path = tmp_path / "2027.csv"
    path.write_text(GOOD_2027, encoding="utf-8")
    for _ in range(2):
        result = runner.invoke(args=["holidays", "load", str(path)])
        assert result.exit_code == 0 and "loaded 2 days for 2027" in result.output
    assert client.get("/api/v1/calendar/years").get_json()["holiday_table_years"] == [2027]


# ---- audit verify ------------------------------------------------------------------------------


def test_audit_verify_detects_tampering(app, api, runner, fast_pdf):
    kept = api.submitted(premise_address="中央大街7号")
    changed = api.submitted(premise_address="中央大街8号")
    assert api.fire(changed["id"], "register", "clerk_daoli").status_code == 200
    intact = runner.invoke(args=["audit", "verify"])
    assert intact.exit_code == 0 and "intact" in intact.output

    with app.app_context():
        db.session.execute(
            text("UPDATE audit_entries SET comment = 'x' WHERE application_id = :id AND seq = 2"), {"id": changed["id"]}
        )
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1
    assert f"application {changed['id']}: entry 2" in result.output
    assert f"application {kept['id']}:" not in result.output


def test_audit_verify_detects_a_deleted_entry(app, api, runner, fast_pdf):
    submitted = api.submitted()
    api.fire(submitted["id"], "accept", "clerk_daoli")
    with app.app_context():
        db.session.execute(
            text("DELETE FROM audit_entries WHERE application_id = :id AND seq = 2"), {"id": submitted["id"]}
        )
        db.session.commit()
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 1 and f"application {submitted['id']}: entry 3" in result.output


# ---- jobs run ----------------------------------------------------------------------------------


def sent(result) -> int:
    assert result.exit_code == 0, result.output
    return int(re.search(r"(\d+) notifications sent", result.output).group(1))


def test_jobs_run_is_idempotent(app, api, runner):
    api.submitted()  # due 2026-11-30 (Monday)
    staff = 2  # clerk_daoli and approver_daoli of 道里 market regulation
    assert sent(runner.invoke(args=["jobs", "run", "--as-of", "2026-11-25"])) == 0
    assert sent(runner.invoke(args=["jobs", "run", "--as-of", "2026-11-27"])) == staff  # due within 1 working day
    assert sent(runner.invoke(args=["jobs", "run", "--as-of", "2026-11-27"])) == 0
    assert sent(runner.invoke(args=["jobs", "run", "--as-of", "2026-12-01"])) == staff  # overdue
    assert sent(runner.invoke(args=["jobs", "run", "--as-of", "2026-12-01"])) == 0
    with app.app_context():
        kinds = db.session.execute(
            select(Notification.kind, func.count())
            .where(Notification.dedupe_key.is_not(None))
            .group_by(Notification.kind)
        ).all()
    assert dict(kinds) == {"due_soon": staff, "overdue": staff}


@pytest.mark.parametrize("value", ["garbage", "2026-02-30", "30.11.2026"])
def test_jobs_run_rejects_a_bad_date(runner, value):
    result = runner.invoke(args=["jobs", "run", "--as-of", value])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
