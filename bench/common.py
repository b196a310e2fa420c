"""What every benchmark shares: a throwaway app and database, seed rows, and interleaved timing."""

from __future__ import annotations

import gc
import os
import secrets
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import bindparam, create_engine, insert, select, text  # noqa: E402

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
FIXED_TODAY = date(2026, 11, 25)  # the test suite's Wednesday: deadlines never depend on the clock
PASSWORD = "bench-password-1"
CLERK, APPROVER, APPLICANT = "bench_clerk", "bench_approver", "bench_applicant"
DIVISION = "230102"

# premise_addition fields that pass every guard (same as tests/conftest.py premise_fields)
PREMISE_FIELDS = {
    "enterprise_name": "哈尔滨市便民家政服务有限公司",
    "credit_code": "91330100716105852F",
    "domicile_address": "哈尔滨市道里区经纬街266号院1号楼101室",
    "domicile_division": DIVISION,
    "service_category": "housekeeping",
    "premise_address": "索菲亚小区3号楼1单元102室",
    "premise_division": DIVISION,
    "premise_street": "230102001",
    "business_scope": "家政服务",
    "needs_prior_licence": False,
}


# --- databases ---------------------------------------------------------------------------------


@contextmanager
def scratch_dir(prefix: str):
    """A directory on the project's own disk (not /tmp, which may be memory): fsync costs what it will cost."""
    path = Path(tempfile.mkdtemp(prefix=prefix, dir=ROOT / "instance" if (ROOT / "instance").is_dir() else ROOT))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


def pg_url(name: str) -> str:
    return PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def pg_available() -> bool:
    try:
        eng = create_engine(PG_ADMIN_URL)
        with eng.connect() as conn:
            conn.execute(text("SELECT 1"))
        eng.dispose()
        return True
    except Exception:
        return False


def pg_create(name: str, drop_first: bool = True) -> str:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if drop_first:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return pg_url(name)


def pg_exists(name: str) -> bool:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).scalar()
    admin.dispose()
    return bool(found)


def pg_drop(name: str) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@contextmanager
def throwaway_pg(prefix: str):
    name = f"{prefix}_{os.getpid()}_{secrets.token_hex(3)}"
    url = pg_create(name)
    try:
        yield url
    finally:
        pg_drop(name)


# --- the app -----------------------------------------------------------------------------------

BENCH_PASSPHRASE = "bench-keys-passphrase"


def make_keys(directory: Path) -> Path:
    """Signing keys as `flask keys init` makes them (a CA, a certificate per authority), once per scratch folder."""
    from pdf.keys import KeyStore
    from vocabulary import AUTHORITY_KINDS, CITY, DIVISIONS, authority_name

    store = KeyStore(directory, BENCH_PASSPHRASE)
    if store.ensure_ca():
        for code in [CITY[0], *DIVISIONS]:
            for kind in AUTHORITY_KINDS:
                store.issue(f"{code}:{kind}", authority_name(code, kind))
    return directory


def make_app(uri: str, storage: Path, **extra):
    """The real create_app() on `uri`, with a fixed today (the engine's deadlines), a fixed base URL, and signing
    keys beside the storage folder (issuing signs every document)."""
    from app import create_app

    keys = make_keys(storage.parent / "keys")
    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": uri,
            "STORAGE_DIR": str(storage),
            "TODAY": FIXED_TODAY,
            "BASE_URL": "http://bianmin.bench",
            "KEYS_DIR": str(keys),
            "KEYS_PASSPHRASE": BENCH_PASSPHRASE,
            **extra,
        }
    )


def build_schema(app) -> None:
    """Tables from the models (what migrations reach at head), Harbin's authorities, and three users."""
    from models import db
    from workflows.reference import ensure_reference_data

    with app.app_context():
        db.create_all()
        ensure_reference_data()
        for name, role, authority in (
            (CLERK, "clerk", f"{DIVISION}:market_regulation"),
            (APPROVER, "approver", f"{DIVISION}:market_regulation"),
            (APPLICANT, "applicant", None),
        ):
            create_user(name, role, authority)
        db.session.commit()


def create_user(name: str, role: str, authority: str | None):
    """accounts.create_user with a one-round password hash: nobody logs in during a benchmark (as tests/conftest.py)."""
    from functools import partial
    from unittest import mock

    from werkzeug.security import generate_password_hash

    from workflows import accounts

    with mock.patch("models.user.generate_password_hash", partial(generate_password_hash, method="pbkdf2:sha256:1")):
        return accounts.create_user(name, PASSWORD, role, authority, display_name=name)


def user_ids(app) -> dict[str, int]:
    from models import User, db

    with app.app_context():
        rows = db.session.execute(select(User.username, User.id)).all()
    return dict(rows)


def authority_id(app, kind: str = "market_regulation", division: str = DIVISION) -> int:
    from models import Authority, db

    with app.app_context():
        return db.session.execute(
            select(Authority.id).where(Authority.division_code == division, Authority.kind == kind)
        ).scalar_one()


def distinct_enterprises(app, ids: list[int]) -> dict[int, str]:
    """Give each application an enterprise and a premise of its own (seeded ones all name PREMISE_FIELDS'): the
    same enterprise may not register one premise twice, and decisions on one enterprise's row wait for each
    other. Returns each application's credit code."""
    from bench.registers_data import brand, credit_code
    from models import Application, db

    codes = {}
    with app.app_context():
        table = Application.__table__
        rows = []
        for k, app_id in enumerate(ids):
            code = credit_code(500_000 + app_id)
            codes[app_id] = code
            fields = {
                **PREMISE_FIELDS,
                "enterprise_name": f"哈尔滨市{brand(500_000 + app_id)}家政服务有限公司",
                "credit_code": code,
                "premise_address": f"索菲亚小区{k + 1}号楼1单元102室",
            }
            rows.append({"b_id": app_id, "b_fields": fields, "b_code": code})
        db.session.execute(
            table.update()
            .where(table.c.id == bindparam("b_id"))
            .values(fields=bindparam("b_fields"), credit_code=bindparam("b_code")),
            rows,
        )
        db.session.commit()
    return codes


def seed_applications(app, n: int, state: str, *, with_attachment: bool = False) -> list[int]:
    """`n` premise_addition applications already in `state`, each with the audit trail that led there.

    Written with Core in one transaction: the rows are what the engine would have left (deadline set for
    open states, the chain of audit hashes intact and its head on the row), but seeding costs seconds, not minutes.
    """
    from models import Application, Attachment, AuditEntry, db
    from models.audit import GENESIS, chain_hash
    from workflows import calendar

    ids = user_ids(app)
    authority = authority_id(app)
    path = {"draft": [], "submitted": ["submit"], "under_review": ["submit", "accept"]}[state]
    states = ["draft", "submitted", "under_review"]
    now = datetime.now(UTC)
    due = calendar.add_working_days(FIXED_TODAY, 3).due if state != "draft" else None
    basis = calendar.add_working_days(FIXED_TODAY, 3).as_dict() if due else None
    out = []
    with app.app_context():
        first = (db.session.execute(select(db.func.max(Application.id))).scalar() or 0) + 1
        rows, audits, files = [], [], []
        for k in range(n):
            app_id = first + k
            rows.append(
                {
                    "id": app_id,
                    "number": f"PA2026{app_id:07d}",
                    "procedure": "premise_addition",
                    "state": state,
                    "version": 1 + len(path),
                    "is_open": True,
                    "fields": PREMISE_FIELDS,
                    "route": "premise" if path else None,
                    "outcome": {},
                    "correction_items": [],
                    "applicant_id": ids[APPLICANT],
                    "authority_id": authority,
                    "deadline_due": due,
                    "deadline_provisional": False,
                    "deadline_basis": basis,
                    "extensions": 0,
                    "submitted_on": FIXED_TODAY if path else None,
                    "is_late": False,
                    "created_at": now,
                    "updated_at": now,
                    "credit_code": PREMISE_FIELDS["credit_code"],
                }
            )
            prev = GENESIS
            for seq, (event, frm, to) in enumerate(
                [("create", None, "draft")] + [(e, states[i], states[i + 1]) for i, e in enumerate(path)], start=1
            ):
                actor = APPLICANT if event in ("create", "submit") else CLERK
                entry = {
                    "application_id": app_id,
                    "seq": seq,
                    "event": event,
                    "from_state": frm,
                    "to_state": to,
                    "actor_id": ids[actor],
                    "actor": actor,
                    "role": "applicant" if actor == APPLICANT else "clerk",
                    "authority": None if actor == APPLICANT else f"{DIVISION}:market_regulation",
                    "at": now.replace(microsecond=0),
                    "comment": "",
                    "data": {},
                    "prev_hash": prev,
                }
                entry["hash"] = prev = chain_hash(entry)
                rows[-1].update(audit_seq=seq, audit_head=prev)
                audits.append(entry)
            if with_attachment:
                files.append(
                    {
                        "application_id": app_id,
                        "kind": "premise_use_document",
                        "filename": "lease.pdf",
                        "content_type": "application/pdf",
                        "size": 100,
                        "sha256": "0" * 64,
                        "storage_path": f"attachments/{app_id}.pdf",
                        "uploaded_by_id": ids[APPLICANT],
                        "uploaded_at": now,
                    }
                )
            out.append(app_id)
        db.session.execute(insert(Application), rows)
        db.session.execute(insert(AuditEntry), audits)
        if files:
            db.session.execute(insert(Attachment), files)
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            db.session.execute(text("ANALYZE"))
            db.session.commit()
    return out


# --- timing ------------------------------------------------------------------------------------


def median(values) -> float:
    return statistics.median(values) if values else float("nan")


def percentile(values, p: float) -> float:
    values = sorted(values)
    if not values:
        return float("nan")
    k = min(len(values) - 1, max(0, round(p / 100 * (len(values) - 1))))
    return values[k]


def interleave(
    subjects: dict[str, Callable[[], None]], rounds: int, per_round: int, warmup: int = 1
) -> dict[str, list[float]]:
    """Seconds per call of each subject, one figure per round; subjects alternate within every round
    (and swap order each round) so that a noisy neighbour slows them alike. Keep rounds short (a few
    events): this shared machine's speed drifts within a tenth of a second, so two 30-event rounds side
    by side can run at different speeds, while many 5-event rounds see the same conditions (measured:
    rounds of 30 gave engine_vs_raw_core 1.46-1.78 from one run to the next, rounds of 5 gave 1.37-1.42)."""
    names = list(subjects)
    for name in names:
        for _ in range(warmup):
            subjects[name]()
    out: dict[str, list[float]] = {n: [] for n in names}
    for r in range(rounds):
        order = names if r % 2 == 0 else list(reversed(names))
        for name in order:
            fn = subjects[name]
            gc.collect()
            t0 = time.perf_counter()
            for _ in range(per_round):
                fn()
            out[name].append((time.perf_counter() - t0) / per_round)
    return out


def paired_ratio(times: dict[str, list[float]], num: str, den: str) -> float:
    """Median of the per-round ratios: each round's subjects ran side by side under the same load."""
    return median([a / b for a, b in zip(times[num], times[den], strict=False)])


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def r3(x: float) -> float:
    return round(x, 3)


def elapsed_since(t0: float) -> float:
    return round(time.perf_counter() - t0, 1)


def later(days: int) -> date:
    return FIXED_TODAY + timedelta(days=days)
