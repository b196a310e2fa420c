"""`flask holidays load FILE`: the holiday table for years the calendar package does not know."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from cli.users import run
from workflows import operations


def register(app: Flask) -> None:
    hol = AppGroup("holidays", help="The holiday table for years the calendar package does not know.")
    app.cli.add_command(hol)

    @hol.command("load")
    @click.argument("file", type=click.File("r", encoding="utf-8-sig"))
    def holidays_load(file):
        """Load FILE: lines 'YYYY-MM-DD,holiday|workday,name' and 'year,YYYY' (see docs/)."""
        text_ = file.read()

        def change():
            loaded = operations.load_holidays(None, text_)
            years = ", ".join(map(str, loaded.years))
            if not loaded.changed:  # the same file again: the table and its load time (a cache key) stay
                return (
                    f"节假日表已有此文件的全部内容，未作改动\nloaded {loaded.days} days for {years}: "
                    "the table already holds exactly these, nothing changed"
                )
            return f"loaded {loaded.days} days for {years}; {loaded.recounted} provisional deadlines recounted"

        run(change)
