"""`flask worker`: an RQ worker on BIANMIN_REDIS_URL's queue, inside this app."""
from __future__ import annotations

import click
from flask import Flask

from infra import tasks


def register(app: Flask) -> None:
    @app.cli.command("worker")
    @click.option("--burst", is_flag=True, help="stop when the queue is empty")
    def worker(burst):
        """Run an RQ worker on BIANMIN_REDIS_URL's queue, inside this app."""
        q = tasks.queue()
        if q is None:
            raise click.ClickException("BIANMIN_REDIS_URL is not set: background work runs inline")
        from rq import Worker
        Worker([q], connection=q.connection).work(burst=burst, with_scheduler=False)
