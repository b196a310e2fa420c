"""Background work: RQ on Redis when BIANMIN_REDIS_URL is set, else run inline, so the embedded default works.

Tasks are plain functions of the layers above (they take ids and dates as text and look everything else up
themselves: by the time a worker runs one, the request that enqueued it has committed and gone); this module
only queues them. A worker runs them inside the app: `flask --app app worker` (cli/worker.py pushes the
app context around every job), never a bare `rq worker`, which would have no app to run them in.
"""

from __future__ import annotations

import logging

from flask import current_app

from infra.observability import request_id

log = logging.getLogger(__name__)
_connections: dict = {}  # one client (and its pool) per Redis URL per process; redis-py resets it after a fork


def redis_connection():
    """The Redis connection of BIANMIN_REDIS_URL, or None when background work runs inline."""
    url = current_app.config.get("REDIS_URL")
    if not url:
        return None
    if url not in _connections:
        from redis import Redis  # here, not at the top: Redis is optional (without it work runs inline)

        _connections[url] = Redis.from_url(url, socket_connect_timeout=5, socket_timeout=10)
    return _connections[url]


def queue():
    """The RQ queue, or None when no Redis is configured."""
    connection = redis_connection()
    if connection is None:
        return None
    from rq import Queue  # here, not at the top: RQ is optional (without Redis work runs inline)

    return Queue(current_app.config["RQ_QUEUE"], connection=connection)


def available() -> bool:
    """Whether work queued now runs in a worker (Redis configured) rather than inline, in this request."""
    return bool(current_app.config.get("REDIS_URL"))


def enqueue(func, *args, description: str | None = None, retries: int = 0):
    """Queue `func(*args)` on RQ (returns the job), or run it now when there is no Redis (returns its result).
    `retries`: how many more times a failed job runs (after 10 s, 1 min, 5 min…)."""
    q = queue()
    if q is None:
        return func(*args)
    from rq import Retry  # here, not at the top: RQ is optional (without Redis work runs inline)

    job = q.enqueue(
        func,
        *args,
        description=description,
        retry=Retry(max=retries, interval=[10, 60, 300][:retries]) if retries else None,
        job_timeout=600,
        result_ttl=86400,
        failure_ttl=7 * 86400,
        meta={"request_id": request_id()},
    )
    log.info("enqueued %s as job %s", func.__name__, job.id)
    return job


def depth() -> list[tuple[tuple[str], int]]:
    """Jobs waiting in the queue, for the bianmin_queue_depth gauge."""
    q = queue()
    return [((current_app.config["RQ_QUEUE"],), len(q) if q is not None else 0)]


def failed() -> list[tuple[tuple[str], int]]:
    """Jobs that failed, for the bianmin_queue_failed_jobs gauge."""
    q = queue()
    return [((current_app.config["RQ_QUEUE"],), q.failed_job_registry.count if q is not None else 0)]
