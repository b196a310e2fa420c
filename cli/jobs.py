"""`flask jobs run [--as-of D]`: the daily jobs (cron entry point)."""

from __future__ import annotations

import sys
from datetime import date

import click
from flask import Flask
from flask.cli import AppGroup

from workflows import jobs


def register(app: Flask) -> None:
    jobs_group = AppGroup("jobs", help="Daily jobs (cron entry point).")
    app.cli.add_command(jobs_group)

    @jobs_group.command("run")
    @click.option("--as-of", "as_of", default=None, help="run as on this Asia/Shanghai date (YYYY-MM-DD)")
    def jobs_run(as_of):
        """Deadline flags, expiries and reminders; running it twice changes nothing more."""
        try:
            day = date.fromisoformat(as_of) if as_of is not None else None
        except ValueError:
            click.echo("--as-of must be YYYY-MM-DD", err=True)
            sys.exit(2)
        click.echo(jobs.run(day))
