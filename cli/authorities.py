"""`flask authorities set KEY NAME VALUE`: an authority's [cfg] setting (e.g. 230102:housing fire_mode promise),
the same operation as the admin page and PUT /api/v1/authorities/{key}/settings."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from cli.users import run
from workflows import operations
from workflows.accounts import authority_for
from workflows.errors import NotFound


def register(app: Flask) -> None:
    group = AppGroup("authorities", help="Authorities' settings.")
    app.cli.add_command(group)

    @group.command("set")
    @click.argument("key")
    @click.argument("name")
    @click.argument("value")
    def authorities_set(key, name, value):
        """Set NAME to VALUE for the authority KEY (<division code>:<kind>)."""

        def change():
            authority = authority_for(key)
            if authority is None:
                raise NotFound(f"没有这个机关：{key}", f"no such authority: {key}")
            operations.set_authority_setting(None, authority, name, value)
            return f"{authority.key}: {name} = {value}"

        run(change)
