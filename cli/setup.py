"""`flask init-db` (schema to head + reference data) and `flask seed-demo`."""

from __future__ import annotations

import click
from flask import Flask
from flask_migrate import upgrade

from cli.demo import seed
from workflows.reference import ensure_reference_data


def register(app: Flask) -> None:
    @app.cli.command("init-db")
    def init_db():
        """Migrate the schema to head and load Harbin's divisions and authorities (idempotent)."""
        upgrade()
        added = ensure_reference_data()
        click.echo(f"database ready; {added} reference rows added")

    @app.cli.command("seed-demo")
    def seed_demo():
        """Demo staff, applicants and applications in several states (idempotent)."""
        ensure_reference_data()
        click.echo(seed())
