"""`flask holidays load FILE`: the holiday table for years the calendar package does not know."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from models import db
from workflows import engine, holidays
from workflows.jobs import SYSTEM


def register(app: Flask) -> None:
    hol = AppGroup("holidays", help="The holiday table for years the calendar package does not know.")
    app.cli.add_command(hol)

    @hol.command("load")
    @click.argument("file", type=click.File("r", encoding="utf-8"))
    def holidays_load(file):
        """Load FILE: lines 'YYYY-MM-DD,holiday|workday,name' and 'year,YYYY' (see docs/)."""
        text_ = file.read()
        try:
            unchanged = holidays.already_loaded(text_)
            if unchanged is not None:   # the same file again: keep the table and its load time (a cache key)
                count, years = unchanged
                click.echo(f"节假日表已有此文件的全部内容，未作改动\nloaded {count} days for "
                           f"{', '.join(map(str, years))}: the table already holds exactly these, nothing changed")
                return
            count, years = holidays.load(text_)
            recounted = engine.recompute_provisional_deadlines(SYSTEM)
            db.session.commit()
        except ValueError as exc:
            db.session.rollback()
            click.echo(str(exc), err=True)
            sys.exit(1)
        click.echo(f"loaded {count} days for {', '.join(map(str, years))}; {recounted} provisional deadlines recounted")
