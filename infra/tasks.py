"""Background work: RQ on Redis when BIANMIN_REDIS_URL is set, else run inline, so the embedded default works.

Tasks take plain arguments (ids, dates as text) and look everything else up themselves: by the time a
worker runs one, the request that enqueued it has committed and gone. Run a worker with
`flask --app app worker` (or plain `rq worker -u $BIANMIN_REDIS_URL bianmin` from the repository).
"""
from __future__ import annotations

import functools
import logging

from flask import Flask, current_app, has_app_context

log = logging.getLogger(__name__)
_worker_app: Flask | None = None
_connections: dict = {}     # one client (and its pool) per Redis URL per process; redis-py resets it after a fork


def _in_app(func):
    """Run a task in an app context: the caller's, or one app built from BIANMIN_* for a plain `rq worker`."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        global _worker_app
        if has_app_context():
            return func(*args, **kwargs)
        if _worker_app is None:
            from app import create_app
            _worker_app = create_app()
        with _worker_app.app_context():
            return func(*args, **kwargs)
    return wrapper


def redis_connection():
    """The Redis connection of BIANMIN_REDIS_URL, or None when background work runs inline."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if url not in _connections:
        from redis import Redis
        _connections[url] = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
    return _connections[url]


def queue():
    """The RQ queue, or None when no Redis is configured."""
    connection = redis_connection()
    if connection is None:
        return None
    from rq import Queue
    return Queue(current_app.config["RQ_QUEUE"], connection=connection)


def enqueue(func, *args, description: str | None = None):
    """Queue `func(*args)` on RQ (returns the job), or run it now when there is no Redis (returns its result)."""
    q = queue()
    if q is None:
        return func(*args)
    from infra.observability import request_id
    job = q.enqueue(func, *args, description=description, job_timeout=600, result_ttl=86400,
                    failure_ttl=7 * 86400, meta={"request_id": request_id()})
    log.info("enqueued %s as job %s", func.__name__, job.id)
    return job


# --- the tasks ----------------------------------------------------------------------------------

@_in_app
def send_notification_email(notification_id: int) -> str:
    """Mail one in-app notification to its user, in Chinese and English (skipped without an address)."""
    from infra import mail
    return mail.send_notification(notification_id)


@_in_app
def run_jobs(as_of: str | None = None) -> str:
    """`flask jobs run` on a worker: deadline flags, expiries, reminders (advisory-locked, idempotent)."""
    from datetime import date

    from workflows import jobs
    return jobs.run(date.fromisoformat(as_of) if as_of else None)
