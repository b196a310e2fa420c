"""Every operations command run twice in a row: the second run changes no row of any table and no stored file.

The installation is made the way README's "Running in production" makes one, on SQLite, or on
PostgreSQL when BIANMIN_TEST_DATABASE_URL is set. After each command's first run the whole state is
digested (every row of every table, every file under the storage directory with its sha256); the
second run must leave exactly that, and say so where it refuses (an existing user).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.ops.conftest import close, database_digest, fresh_database, make_app, storage_listing

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "docs" / "holidays-2027.example.csv"
USER = [
    "users",
    "create",
    "--username",
    "ops_clerk",
    "--password",
    "long-enough-1",
    "--role",
    "clerk",
    "--authority",
    "230102:market_regulation",
    "--email",
    "ops@harbin.example.cn",
]


@pytest.fixture
def installation(tmp_path):
    url, drop = fresh_database(tmp_path, "ops")
    app = make_app(url, tmp_path / "storage")
    app.config["KEYS_DIR"] = str(tmp_path / "keys")  # made by `keys init` below, not the test session's
    yield app, tmp_path
    close(app)
    if drop:
        drop()


def state(app, tmp_path):
    return database_digest(app), {
        **storage_listing(tmp_path / "storage"),
        **{f"keys/{k}": v for k, v in storage_listing(tmp_path / "keys").items()},
    }


def test_every_operations_command_twice_in_a_row_changes_nothing_the_second_time(installation):
    app, tmp = installation
    runner = app.test_cli_runner()
    commands = [  # (arguments, exit code of the second run, text the second run prints)
        (["init-db"], 0, "0 reference rows added"),
        (["keys", "init"], 0, "nothing changed"),
        (["seed-demo"], 0, "demo data already present"),
        (["holidays", "load", str(EXAMPLE)], 0, "loaded"),
        (["jobs", "run", "--as-of", "2026-12-15"], 0, ""),
        (["jobs", "run", "--as-of", "2027-02-01"], 0, ""),
        (USER, 1, "username already exists"),
        (["storage", "check"], 0, "0 orphaned temporary files"),
        (["audit", "verify"], 0, "audit trail intact"),
        (["backup", "create", "--output", str(tmp / "backups")], 0, "backup written"),
    ]
    changed_by_first = []
    for args, second_code, says in commands:
        before = state(app, tmp)
        first = runner.invoke(args=args)
        assert first.exit_code == 0, (args, first.output)
        after_first = state(app, tmp)
        if after_first != before:
            changed_by_first.append(args[0])
        second = runner.invoke(args=args)
        assert second.exit_code == second_code, (args, second.output)
        assert says in second.output, (args, second.output)
        after_second = state(app, tmp)
        db_diff = sorted(t for t in after_first[0] if after_first[0][t] != after_second[0].get(t))
        assert after_second == after_first, (
            args,
            "tables changed by the second run:",
            db_diff,
            set(after_first[1]) ^ set(after_second[1]),
        )
    # the test would prove nothing if the first runs did nothing either
    assert {"init-db", "keys", "seed-demo", "holidays", "jobs", "users"} <= set(changed_by_first)
    assert "已存在" in runner.invoke(args=USER).output
    assert len(list((tmp / "backups").glob("*.tar.gz"))) == 2  # each run its own archive, none overwritten
