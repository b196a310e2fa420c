"""Bulk-loading a PostgreSQL database with N applications by COPY, shaped like years of real work.

Shape (stated in the results): premise_addition 60 % (market regulation), fire_filing 25 % (housing),
land_transition 15 % (natural resources), spread over Harbin's 18 county-level divisions, except that
道里区's market regulation bureau (the "big" authority) holds 10 % of all rows. 1 % are drafts, 3 % are
open in an authority-held or applicant-held state with a deadline around today, the rest (96 %) closed,
with their deadline cleared as the engine clears it. Every submitted application has the party rows
the engine writes at submission: its own authority, and for land_transition its departments and the
division government.
"""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from bench.common import FIXED_TODAY, PREMISE_FIELDS

SHAPE = {
    "big_authority": "230102:market_regulation (10 % of rows)",
    "typical_authority": "230103:market_regulation (~2.9 % of rows)",
    "procedures": "premise_addition 60 %, fire_filing 25 %, land_transition 15 %",
    "states": "1 % draft, 3 % open, 96 % closed (deadline cleared)",
    "applicants": "one per 5 applications (at least 2,000): the users table grows with the data",
    "parties": "own authority for every submitted application (as context.submitted() writes), "
    "+ civil_affairs and government for land_transition",
    "credit_code": "one enterprise per applicant (the column eligibility looks premises up by)",
}
BIG, TYPICAL = ("230102", "market_regulation"), ("230103", "market_regulation")
PROCEDURES = (
    ("premise_addition", "market_regulation", "PA", 0.60),
    ("fire_filing", "housing", "FF", 0.25),
    ("land_transition", "natural_resources", "LT", 0.15),
)
COLUMNS = (
    "id",
    "number",
    "procedure",
    "state",
    "version",
    "is_open",
    "fields",
    "route",
    "outcome",
    "correction_items",
    "applicant_id",
    "authority_id",
    "deadline_due",
    "deadline_provisional",
    "extensions",
    "submitted_on",
    "decided_on",
    "is_late",
    "created_at",
    "updated_at",
    "credit_code",
)


def _states():
    from workflows.registry import PROCEDURES as PROCS

    out = {}
    for name, proc in PROCS.items():
        held = [s for s in proc.holders if s != "draft"]
        out[name] = {
            "open": held,
            "applicant_held": [s for s in held if proc.holders[s] == "applicant"],
            "closed": [s for s in proc.states if s not in proc.holders],
        }
    return out


def _fields_variants() -> list[str]:
    """A few dozen distinct field sets (~500 bytes of JSON each): enough variety, cheap to write."""
    out = []
    for k in range(40):
        f = dict(
            PREMISE_FIELDS,
            enterprise_name=f"哈尔滨市便民服务第{k}有限公司",
            premise_address=f"索菲亚小区{k}号楼1单元102室",
            business_scope="家政服务；养老服务；维修服务",
        )
        out.append(json.dumps(f, ensure_ascii=False, separators=(",", ":")))
    return out


def load(url: str, rows: int, seed: int = 8) -> dict:
    """Schema from the models, reference data, rows/5 applicants, two clerks, `rows` applications."""
    from bench.common import create_user, make_app
    from models import Authority, db
    from workflows.reference import ensure_reference_data

    rng = random.Random(seed)
    app = make_app(url, storage=_nowhere())
    with app.app_context():
        db.create_all()
        ensure_reference_data()
        authority = {
            (d, k): i
            for i, d, k in db.session.execute(select(Authority.id, Authority.division_code, Authority.kind)).all()
        }
        for name, (division, kind) in (("clerk_big", BIG), ("clerk_typical", TYPICAL)):
            create_user(name, "clerk", f"{division}:{kind}")
        db.session.commit()
        raw = db.engine.raw_connection()
        try:
            cur = raw.driver_connection.cursor()
            cur.execute("SET session_replication_role = replica")  # no per-row FK triggers: the rows are consistent
            now = datetime(2026, 11, 25, tzinfo=UTC).isoformat()
            with cur.copy(
                "COPY users (username, password_hash, role, display_name, failed_logins, created_at) FROM STDIN"
            ) as cp:
                cp.write("".join(f"applicant{i}\tx\tapplicant\t\t0\t{now}\n" for i in range(max(2000, rows // 5))))
            cur.execute("SELECT min(id), max(id) FROM users WHERE role = 'applicant'")
            first_applicant, last_applicant = cur.fetchone()
            _copy_applications(cur, rows, rng, authority, (first_applicant, last_applicant))
            cur.execute("SET session_replication_role = DEFAULT")
            cur.execute("CREATE TABLE bench_meta (rows integer, shape text)")
            cur.execute("INSERT INTO bench_meta VALUES (%s, %s)", (rows, json.dumps(SHAPE, sort_keys=True)))
            raw.driver_connection.commit()
        finally:
            raw.close()
        db.session.remove()
    with app.app_context():  # VACUUM cannot run in a transaction
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        db.engine.dispose()
    return {"rows": rows}


def loaded_rows(url: str) -> int | None:
    """The row count a previous load left (bench_meta), if it was made with today's SHAPE."""
    from sqlalchemy import create_engine

    eng = create_engine(url)
    try:
        with eng.connect() as conn:
            row = conn.execute(text("SELECT rows, shape FROM bench_meta")).first()
    except Exception:
        return None
    finally:
        eng.dispose()
    return row.rows if row and row.shape == json.dumps(SHAPE, sort_keys=True) else None


def _nowhere():
    import tempfile
    from pathlib import Path

    return Path(tempfile.gettempdir()) / "bianmin-bench-no-storage"


def _copy_applications(cur, rows: int, rng: random.Random, authority: dict, applicants: tuple[int, int]) -> None:
    from vocabulary import DIVISIONS

    states, fields = _states(), _fields_variants()
    divisions = list(DIVISIONS)
    others = [d for d in divisions if d != BIG[0]]
    start = datetime(2019, 1, 1, tzinfo=UTC)
    span = (datetime(2026, 11, 25, tzinfo=UTC) - start).total_seconds()
    apps, parties = io.StringIO(), io.StringIO()
    flush_every = 50_000
    with cur.copy(f"COPY applications ({', '.join(COLUMNS)}) FROM STDIN") as cp_apps:
        for i in range(1, rows + 1):
            r = rng.random()
            if r < 0.10:
                proc, kind, prefix = PROCEDURES[0][:3]
                division = BIG[0]
            else:
                x, acc = rng.random(), 0.0
                for proc, kind, prefix, share in PROCEDURES:  # noqa: B007 (the chosen one is used after the break)
                    acc += share
                    if x < acc:
                        break
                division = rng.choice(others if kind == BIG[1] else divisions)
            auth = authority[(division, kind)]
            s = rng.random()
            created = start + timedelta(seconds=span * i / rows)  # ids grow with time, as they do
            deadline, submitted, decided, is_open = None, created.date(), None, "t"
            if s < 0.01:
                state, submitted = "draft", None
            elif s < 0.04:
                state = rng.choice(states[proc]["open"])
                if state not in states[proc]["applicant_held"]:
                    deadline = FIXED_TODAY + timedelta(days=rng.randint(-10, 15))
            else:
                state, is_open, decided = rng.choice(states[proc]["closed"]), "f", created.date()
            number = f"{prefix}{created.year}{i:07d}"
            applicant = rng.randint(*applicants)
            apps.write(
                f"{i}\t{number}\t{proc}\t{state}\t{3 if submitted else 1}\t{is_open}\t{rng.choice(fields)}\t"
                f"\\N\t{{}}\t[]\t{applicant}\t{auth}\t{deadline or chr(92) + 'N'}\tf\t0\t"
                f"{submitted or chr(92) + 'N'}\t{decided or chr(92) + 'N'}\tf\t{created.isoformat()}\t"
                f"{created.isoformat()}\t9123010{applicant:011d}\n"
            )
            if submitted:
                parties.write(f"{i}\t{auth}\n")
                if proc == "land_transition":
                    parties.write(f"{i}\t{authority[(division, 'civil_affairs')]}\n")
                    parties.write(f"{i}\t{authority[(division, 'government')]}\n")
            if i % flush_every == 0:
                cp_apps.write(apps.getvalue())
                apps = io.StringIO()
        cp_apps.write(apps.getvalue())
    with cur.copy("COPY application_parties (application_id, authority_id) FROM STDIN") as cp:
        cp.write(parties.getvalue())
    cur.execute("SELECT setval(pg_get_serial_sequence('applications', 'id'), %s)", (rows,))
