"""inbox_1m_vs_10k: a clerk's first inbox page and its total with 1,000,000 applications ÷ with 10,000 (PostgreSQL)."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

from sqlalchemy import func, select

from bench import inbox_data
from bench.common import (
    interleave,
    make_app,
    median,
    ms,
    paired_ratio,
    pg_create,
    pg_drop,
    pg_exists,
    pg_url,
    r3,
    scratch_dir,
)

PER_PAGE = 20
WHO = {"typical": "clerk_typical", "big": "clerk_big"}


# --- the ways of asking --------------------------------------------------------------------------


def inbox_now(user) -> tuple[int | str, list[dict]]:
    """The inbox as the code has it (workflows/inbox.py, what views/console.py runs): the open applications the
    user sees, in deadline order (NULLS LAST: the order of the partial index ix_applications_inbox, so the page
    is its first entries), the total counted up to 1000 and shown "1000+" above."""
    from models import db
    from views.api.presenters import summary
    from workflows import inbox

    query = inbox.query(user)
    total = inbox.shown_total(inbox.capped_count(query))
    rows = db.session.execute(query.order_by(*inbox.ORDER).limit(PER_PAGE)).scalars()
    return total, [summary(a) for a in rows]


def inbox_before(user) -> tuple[int, list[dict]]:
    """For contrast, the inbox before issue 8's fixes: `is_open IS true` (no partial index can be proved from it),
    the order `deadline_due IS NULL, deadline_due, id` (no index has it: every matching row is sorted) and an
    exact total (every matching row counted). On the same schema, so the partial index is there but unused."""
    from models import Application, db
    from views.api.presenters import summary
    from workflows import access

    query = access.visible(user).where(Application.is_open.is_(True))
    total = db.session.execute(select(func.count()).select_from(query.subquery())).scalar_one()
    rows = db.session.execute(
        query.order_by(Application.deadline_due.is_(None), Application.deadline_due, Application.id).limit(PER_PAGE)
    ).scalars()
    return total, [summary(a) for a in rows]


def api_view(user) -> tuple[int, list[dict]]:
    """GET /api/v1/applications as a clerk, the real view function (API.md: every visible application, closed
    ones too, so not the inbox's partial index; its total is capped as the inbox's)."""
    from flask import current_app, g

    from views.api.applications import list_applications

    with current_app.test_request_context("/api/v1/applications"):
        g.api_user = user
        out = list_applications()
    return out["total"], out["items"]


# --- running them ---------------------------------------------------------------------------


def _clerks(app) -> dict[str, SimpleNamespace]:
    from models import User, db

    with app.app_context():
        rows = db.session.execute(
            select(User.id, User.username, User.authority_id).where(User.username.in_(WHO.values()))
        ).all()
    by_name = {
        r.username: SimpleNamespace(
            id=r.id, username=r.username, authority_id=r.authority_id, role="clerk", is_staff=True
        )
        for r in rows
    }
    return {who: by_name[name] for who, name in WHO.items()}


def _subject(app, fn, user):
    def call():
        from models import db

        with app.app_context():
            fn(user)
            db.session.remove()

    return call


def _plan(app, fn, user) -> str:
    """The top plan nodes PostgreSQL chose for the page query of `fn` (to show why a ratio is what it is)."""
    from models import db

    captured = []
    with app.app_context():
        from sqlalchemy import event

        def grab(conn, cursor, statement, params, context, executemany):
            if "LIMIT" in statement and "count(" not in statement:
                captured.append((statement, params))

        event.listen(db.engine, "before_cursor_execute", grab)
        try:
            fn(user)
        finally:
            event.remove(db.engine, "before_cursor_execute", grab)
        if not captured:
            return ""
        statement, params = captured[-1]
        plan = db.session.connection().exec_driver_sql("EXPLAIN " + statement, params).scalars()
        nodes = [
            re.sub(r"\s+\(cost=.*", "", line).strip("-> ").strip() for line in plan if "->" in line or "cost" in line
        ]
        db.session.remove()
    return " / ".join(nodes[:6])


def _ensure(name: str, rows: int, keep: bool) -> str:
    if keep and pg_exists(name) and inbox_data.loaded_rows(pg_url(name)) == rows:
        return pg_url(name)
    url = pg_create(name)
    inbox_data.load(url, rows)
    return url


def run(quick: bool, keep_db: bool = False) -> dict:
    small, large = 10_000, (100_000 if quick else 1_000_000)
    names = {"small": "bench_10k", "large": "bench_100k" if quick else "bench_1m"}
    rounds, per_round = (7, 10) if quick else (9, 20)
    import app as _project  # noqa: F401  (imported here, before two threads would import it at once)

    with ThreadPoolExecutor(2) as pool:  # the two loads are mostly PostgreSQL's work: let them overlap
        futures = {
            size: pool.submit(_ensure, names[size], n, keep_db) for size, n in (("small", small), ("large", large))
        }
        urls = {size: f.result() for size, f in futures.items()}
    detail: dict = {
        "rows": {"small": small, "large": large},
        "quick_uses_100k": quick,
        "shape": inbox_data.SHAPE,
        "per_page": PER_PAGE,
        "kept_databases": keep_db,
    }
    with scratch_dir("bench-inbox-") as tmp:
        apps = {size: make_app(url, tmp / size) for size, url in urls.items()}
        clerks = {size: _clerks(app) for size, app in apps.items()}
        results = {}
        variants = (("inbox", inbox_now), ("before_issue_8", inbox_before)) + (
            () if quick else (("api_view_all_visible", api_view),)
        )
        for variant, fn in variants:
            subjects = {f"{size}_{who}": _subject(apps[size], fn, clerks[size][who]) for size in apps for who in WHO}
            times = interleave(subjects, rounds, per_round)
            results[variant] = {
                who: {
                    "ratio": r3(paired_ratio(times, f"large_{who}", f"small_{who}")),
                    "large_ms": ms(median(times[f"large_{who}"])),
                    "small_ms": ms(median(times[f"small_{who}"])),
                    "total_shown_large": _total(apps["large"], fn, clerks["large"][who]),
                    "total_shown_small": _total(apps["small"], fn, clerks["small"][who]),
                    "plan_large": _plan(apps["large"], fn, clerks["large"][who]),
                }
                for who in WHO
            }
        detail["found_on_the_way"] = {
            "eligibility_world_active_premises_ms": {size: _active_premises_ms(app) for size, app in apps.items()},
            "why": "World.lookup('active_premises') runs on every submit and resubmit, every GET of one application "
            "(presenters.application) and every POST /api/v1/eligibility/premise_addition; it used to load "
            "every registered premise_addition (3.7 s at 1M), now the enterprise's own by credit_code",
        }
        for app in apps.values():
            with app.app_context():
                from models import db

                db.engine.dispose()
    if not keep_db:
        for name in names.values():
            pg_drop(name)
    detail.update(results)
    detail["value_is"] = "inbox (workflows/inbox.py as the console runs it): worse of the typical and the big authority"
    detail["before_issue_8_value"] = max(results["before_issue_8"][w]["ratio"] for w in WHO)
    return {"value": max(results["inbox"][w]["ratio"] for w in WHO), "detail": detail}


def _active_premises_ms(app) -> float:
    """World.lookup('active_premises') for an enterprise that has registered premises (by the credit_code column)."""
    import time

    from models import Application, db
    from workflows.context import World

    with app.app_context():
        code = db.session.execute(
            select(Application.credit_code)
            .where(Application.procedure == "premise_addition", Application.state == "registered")
            .limit(1)
        ).scalar()
        World().lookup("active_premises", code)  # warm
        t0 = time.perf_counter()
        World().lookup("active_premises", code)
        db.session.remove()
        return ms(time.perf_counter() - t0)


def _total(app, fn, user):
    from models import db

    with app.app_context():
        total = fn(user)[0]
        db.session.remove()
    return total
