"""`flask --app app worker`: an RQ worker on BIANMIN_REDIS_URL's queue that runs every job inside this app.

Tasks are plain functions of the layers below (infra/tasks.py queues them); they need the app's
configuration, database and mail, so the worker pushes this app's context around each job. A bare
`rq worker` would have no app: run workers with this command.
"""

from __future__ import annotations

import logging
import time

import click
from flask import Flask

import pdf
from infra import tasks
from pdf.samples import sample_snapshot

log = logging.getLogger(__name__)


def warm(app: Flask) -> None:
    """Render one sample document in the worker itself before it takes jobs: RQ forks a work horse per job, and
    each horse then starts with WeasyPrint's fonts and caches loaded (~0.25 s less for its first document)."""
    kind = next(iter(pdf.KINDS), None)
    if kind is None:
        return
    t0 = time.perf_counter()
    try:
        with app.app_context():
            pdf.render(kind, sample_snapshot(kind))
    except Exception:  # a warm-up only: the jobs report their own failures
        log.exception("worker warm-up render failed")
        return
    log.info("worker warmed up (%s rendered in %.2f s)", kind, time.perf_counter() - t0)


def worker_class(app: Flask):
    """An RQ Worker whose jobs run inside `app`'s context (in the work horse it forks for each job)."""
    from rq import Worker  # here, not at the top: RQ matters only to a worker (without Redis, work runs inline)

    class AppWorker(Worker):
        def perform_job(self, job, queue):
            with app.app_context():
                return super().perform_job(job, queue)

    return AppWorker


def register(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="stop when the queue is empty")
    def worker(burst):
        """Run an RQ worker on BIANMIN_REDIS_URL's queue, each job inside this app."""
        q = tasks.queue()
        if q is None:
            raise click.ClickException("BIANMIN_REDIS_URL is not set: background work runs inline")
        warm(app)
        worker_class(app)([q], connection=q.connection).work(burst=burst, with_scheduler=False)
