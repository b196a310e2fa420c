"""Code that runs in separate processes (multiprocessing, spawn): each builds its own app on the test database.

Kept apart from the test modules so that a spawned child imports only this (no pytest fixtures run there).
"""

from __future__ import annotations

import os
import threading
import time
import traceback

DIED = 17  # the exit code of a process killed on purpose before its commit


def make_app(config: dict):
    import pdf
    from app import create_app
    from tests.signing import tiny_pdf, tiny_render_for_signing

    # numbering is what these processes measure, not typesetting: a tiny valid PDF instead of WeasyPrint
    pdf.render = tiny_pdf
    pdf.render_for_signing = tiny_render_for_signing
    return create_app({"TESTING": True, **config})


def fire_at_once(config: dict, barrier, results, worker: int, calls: list[tuple[str, dict, dict]]) -> None:
    """Fire each (url, headers, body) POST from its own thread, all released together with the other processes."""
    try:
        app = make_app(config)
        clients = [app.test_client() for _ in calls]
        out: list = [None] * len(calls)

        def one(i, url, headers, body):
            try:
                r = clients[i].post(url, headers=headers, json=body)
                out[i] = (r.status_code, r.get_json())
            except Exception:  # reported, not swallowed: the parent asserts on it
                out[i] = (-1, traceback.format_exc())

        threads = [threading.Thread(target=one, args=(i, *call)) for i, call in enumerate(calls)]
        barrier.wait(timeout=180)
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results.put((worker, out, time.perf_counter() - started))
    except Exception:
        results.put((worker, [(-1, traceback.format_exc())], 0.0))


def register_many(config: dict, barrier, results, worker: int, app_ids: list[int], clerk: str) -> None:
    """Fire `register` through the engine on each application, one transaction each: every one issues a
    registration notice, so all workers draw numbers from the same counter row at the same time."""
    try:
        app = make_app(config)
        from sqlalchemy import select

        from models import Application, User, db
        from workflows import engine
        from workflows.transaction import commit

        with app.app_context():
            barrier.wait(timeout=180)
            started = time.perf_counter()
            for app_id in app_ids:
                actor = db.session.execute(select(User).where(User.username == clerk)).scalar_one()
                row = db.session.get(Application, app_id)
                engine.fire(row, "register", actor, None, row.version)
                commit()
                db.session.remove()
            results.put((worker, len(app_ids), time.perf_counter() - started, None))
    except Exception:
        results.put((worker, 0, 0.0, traceback.format_exc()))


def die_before_commit(config: dict, url: str, headers: dict, body: dict) -> None:
    """Fire an event through the API and die (os._exit) where the view would commit: the PDF is written, nothing committed."""
    app = make_app(config)
    import views.api.applications as api_views

    api_views.commit = lambda: os._exit(DIED)  # the view calls the commit() it imported by name
    app.test_client().post(url, headers=headers, json=body)
    os._exit(1)  # not reached: the request dies first


def log_in_at_once(config: dict, barrier, results, worker: int, calls: list[tuple[str, dict]]) -> None:
    """POST each (path, credentials) from its own thread, released with the other processes: the API's token
    endpoint takes JSON, the login page a form. Reports (status, completion time) per call."""
    try:
        app = make_app(config)
        clients = [app.test_client() for _ in calls]
        out: list = [None] * len(calls)

        def one(i, path, credentials):
            try:
                if path == "/login":
                    r = clients[i].post(path, data=credentials)
                else:
                    r = clients[i].post(path, json=credentials)
                out[i] = (r.status_code, time.perf_counter())
            except Exception:
                out[i] = (-1, traceback.format_exc())

        threads = [threading.Thread(target=one, args=(i, *call)) for i, call in enumerate(calls)]
        barrier.wait(timeout=180)
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        results.put((worker, out, 0.0))
    except Exception:
        results.put((worker, [(-1, traceback.format_exc())], 0.0))
