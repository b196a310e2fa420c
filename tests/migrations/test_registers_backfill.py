"""Migration b7d41e2a9c65 builds the registers from what is already there: each application's audit trail replayed
through its procedure's register declaration (the same code `flask registers check` compares with), every
enterprise an application names, and its applicants as accounts acting for it."""

from __future__ import annotations

import json
from datetime import date

from flask_migrate import downgrade, upgrade
from sqlalchemy import text

from app import create_app
from models import db
from models.audit import GENESIS
from tests.migrations.test_migrations import empty_database  # noqa: F401  (the fixture)

BEFORE = "5e3c0b1d9a7e"
CODE, OTHER = "91330100716105852F", "914403001922038216"
PREMISE = {
    "enterprise_name": "哈尔滨市便民家政服务有限公司",
    "credit_code": CODE,
    "domicile_division": "230102",
    "domicile_address": "哈尔滨市道里区经纬街266号",
    "premise_address": "索菲亚小区3号楼",
    "premise_division": "230102",
    "premise_street": "兆麟街道",
    "service_category": "housekeeping",
    "business_scope": "家政服务",
    "contact_phone": "0451-88886666",
}
LAND = {
    "operator_name": "哈尔滨市便民家政服务有限公司",
    "credit_code": CODE,
    "land_holder_name": "哈尔滨市道里区城投公司",
    "building_address": "经纬街274号院3号楼",
    "building_division": "230102",
    "service_type": "elderly_care",
    "floor_area_m2": 860.0,
    "current_land_use": "工业用地",
}
FIRE = {
    "facility_name": "经纬街社区养老服务站",
    "credit_code": OTHER,
    "site_address": "经纬街274号院1层",
    "site_division": "230102",
    "facility_type": "elderly_care",
    "floor_area_m2": 120,
}
# (id, procedure, state, applicant, fields, extra columns, trail of (event, to_state, at))
APPLICATIONS = [
    (
        1,
        "premise_addition",
        "registered",
        1,
        PREMISE,
        {},
        [("submit", "submitted", "2026-11-20 02:00:00"), ("register", "registered", "2026-11-24 17:00:00")],
    ),
    (
        2,
        "premise_addition",
        "cancelled",
        1,
        {**PREMISE, "premise_address": "群力大道8号"},
        {},
        [
            ("submit", "submitted", "2026-10-01 02:00:00"),
            ("register", "registered", "2026-10-02 02:00:00"),
            ("cancel", "cancelled", "2026-11-02 02:00:00"),
        ],
    ),
    (
        3,
        "land_transition",
        "in_transition",
        1,
        LAND,
        {"period_first_day": "2026-11-26", "period_last_day": "2031-11-25"},
        [("submit", "submitted", "2026-10-01 02:00:00"), ("approve", "in_transition", "2026-11-25 02:00:00")],
    ),
    (
        4,
        "fire_filing",
        "selected",
        2,
        FIRE,
        {"route": "simplified", "deadline_due": "2026-12-16"},
        [("submit", "filed", "2026-11-10 02:00:00"), ("draw", "selected", "2026-11-25 02:00:00")],
    ),
    (
        5,
        "premise_addition",
        "submitted",
        1,
        {**PREMISE, "premise_address": "新阳路1号"},
        {},
        [("submit", "submitted", "2026-11-25 02:00:00")],
    ),
    (6, "premise_addition", "draft", 2, {"credit_code": CODE}, {}, []),  # bob names alice's enterprise
]


def _seed(conn):
    at = "2026-11-25 08:00:00+00:00"
    conn.execute(text("INSERT INTO divisions (code, name, short, level) VALUES ('230102', '道里区', '哈道', 'county')"))
    conn.execute(
        text(
            "INSERT INTO authorities (id, division_code, kind, name, settings) VALUES "
            "(1, '230102', 'market_regulation', '哈尔滨市道里区市场监督管理局', '{}')"
        )
    )
    for uid, name in ((1, "alice"), (2, "bob")):
        conn.execute(
            text(
                "INSERT INTO users (id, username, password_hash, role, display_name, failed_logins, created_at) "
                "VALUES (:id, :n, 'x', 'applicant', :n, 0, :at)"
            ),
            {"id": uid, "n": name, "at": at},
        )
    for app_id, procedure, state, applicant, fields, extra, trail in APPLICATIONS:
        columns = {
            "id": app_id,
            "procedure": procedure,
            "state": state,
            "version": 1 + len(trail),
            "is_open": state in ("submitted", "draft", "selected"),
            "fields": json.dumps(fields),
            "outcome": "{}",
            "correction_items": "[]",
            "applicant_id": applicant,
            "deadline_provisional": False,
            "extensions": 0,
            "is_late": False,
            "created_at": at,
            "updated_at": at,
            "credit_code": fields["credit_code"],
            "audit_seq": len(trail),
            "audit_head": GENESIS,
            **extra,
        }
        conn.execute(
            text(f"INSERT INTO applications ({', '.join(columns)}) VALUES ({', '.join(':' + c for c in columns)})"),
            columns,
        )
        for seq, (event, to_state, when) in enumerate(trail, 1):
            conn.execute(
                text(
                    "INSERT INTO audit_entries (application_id, seq, event, to_state, actor, role, at, comment, "
                    "data, prev_hash, hash) VALUES (:a, :s, :e, :t, 'x', 'clerk', :at, '', '{}', :p, :h)"
                ),
                {
                    "a": app_id,
                    "s": seq,
                    "e": event,
                    "t": to_state,
                    "at": when + "+00:00",
                    "p": GENESIS,
                    "h": f"{app_id:032d}{seq:032d}",
                },
            )
    conn.execute(
        text(
            "INSERT INTO documents (application_id, authority_id, kind, year, seq, number, token, issued_at, issue_date, "
            "holder_name, holder_code, facts, snapshot, status, status_reason, storage_path, size, sha256) VALUES "
            "(1, 1, 'registration_notice', 2026, 7, '哈道市监经登字〔2026〕7号', 't1', :at, '2026-11-25', 'x', :code, '{}', "
            "'{}', 'valid', '', 'p', 1, 's')"
        ),
        {"at": at, "code": CODE},
    )


def test_the_registers_are_backfilled_from_the_applications(empty_database, tmp_path):  # noqa: F811
    app = create_app({"SQLALCHEMY_DATABASE_URI": empty_database, "STORAGE_DIR": str(tmp_path)})
    with app.app_context():
        upgrade(revision=BEFORE)
        with db.engine.begin() as conn:
            _seed(conn)
        upgrade()
        with db.engine.connect() as conn:
            rows = {r.application_id: r for r in conn.execute(text("SELECT * FROM register_entries"))}
            enterprises = {r.credit_code: r for r in conn.execute(text("SELECT * FROM enterprises"))}
            accounts = sorted(
                tuple(r)
                for r in conn.execute(
                    text(
                        "SELECT u.username, e.credit_code, a.capacity FROM enterprise_accounts a JOIN users u ON u.id = a.user_id "
                        "JOIN enterprises e ON e.id = a.enterprise_id"
                    )
                )
            )
        assert set(rows) == {1, 2, 3, 4}
        first = rows[1]
        assert (first.register, first.status, bool(first.in_force), first.street) == (
            "premises",
            "in_force",
            True,
            "230102001",
        )
        assert _day(first.since) == date(2026, 11, 25)  # 17:00 UTC is the next day in Harbin
        assert first.address == "道里区兆麟街道索菲亚小区3号楼" and first.document_number == "哈道市监经登字〔2026〕7号"
        assert "0451-88886666" not in json.dumps(_facts(first.facts), ensure_ascii=False)
        assert (rows[2].status, bool(rows[2].in_force), _day(rows[2].since)) == ("cancelled", False, date(2026, 10, 2))
        assert _day(rows[2].changed_on) == date(2026, 11, 2)
        land = rows[3]
        assert (land.status, _day(land.since), _day(land.until)) == ("in_force", date(2026, 11, 26), date(2031, 11, 25))
        assert _facts(land.facts)["floor_area_m2"] == 860
        fire = rows[4]
        assert (fire.register, fire.status, bool(fire.in_force), fire.due_kind) == (
            "fire_filings",
            "selected",
            True,
            "inspection",
        )
        assert _day(fire.since) == date(2026, 11, 10) and _facts(fire.facts)["route"] == "simplified"
        assert enterprises[CODE].name == "哈尔滨市便民家政服务有限公司"
        assert enterprises[CODE].domicile_address == "哈尔滨市道里区经纬街266号"
        assert enterprises[OTHER].name == ""  # a fire filing names its builder only by code
        assert accounts == [("alice", CODE, "own"), ("bob", CODE, "agent"), ("bob", OTHER, "own")]
        # and the check finds the registers as their decisions made them
        from workflows.register_rebuild import check

        with db.engine.connect() as conn:
            assert check(conn) == []
            conn.execute(
                text("UPDATE register_entries SET status = 'in_force', in_force = :t WHERE application_id = 2"),
                {"t": True},
            )
            conn.execute(text("DELETE FROM register_entries WHERE application_id = 3"))
            problems = check(conn)
            conn.rollback()
        assert any(p.startswith("application 2: entry status is 'in_force'") for p in problems), problems
        assert any(p.startswith("application 3: its decisions put a transitions entry in force") for p in problems)
        downgrade(revision=BEFORE)
        db.engine.dispose()


def _day(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def _facts(value):
    return json.loads(value) if isinstance(value, str) else value
