"""`flask registers check`: every register entry against the decisions that made it (DOMAIN §6)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from models import db
from workflows.register_rebuild import check


def register(app: Flask) -> None:
    registers = AppGroup("registers", help="The registers (台账) of what decisions put in force.")
    app.cli.add_command(registers)

    @registers.command("check")
    def registers_check():
        """Replay every application's audit trail through its register's declaration and compare; exit 1 on a difference."""
        problems = check(db.session.connection())
        db.session.rollback()
        for line in problems:
            click.echo(line, err=True)
        if problems:
            sys.exit(1)
        click.echo("registers match their decisions")
