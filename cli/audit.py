"""`flask audit verify`: every hash chain (applications and the security log)."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup

from workflows.operations import verify_chains


def register(app: Flask) -> None:
    audit = AppGroup("audit", help="The audit trail.")
    app.cli.add_command(audit)

    @audit.command("verify")
    def audit_verify():
        """Check every application's hash chain; exit 1 on the first break."""
        broken = verify_chains()
        if broken:
            for line in broken:
                click.echo(line, err=True)
            sys.exit(1)
        click.echo("audit trail intact")
