"""`flask users create`."""
from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup   # its commands push an app context, also under app.test_cli_runner()

from models import db
from workflows import accounts
from workflows.errors import DomainError


def register(app: Flask) -> None:
    users = AppGroup("users", help="Manage users.")
    app.cli.add_command(users)

    @users.command("create")
    @click.option("--username", required=True)
    @click.option("--password", required=True)
    @click.option("--role", required=True)
    @click.option("--authority", default=None, help="<division code>:<kind>, e.g. 230102:market_regulation")
    @click.option("--name", "display_name", default="")
    @click.option("--email", default=None, help="notifications are also mailed here (when SMTP is configured)")
    def users_create(username, password, role, authority, display_name, email):
        """Create a user; fails with exit code 1 if the username exists or a value is wrong."""
        try:
            user = accounts.create_user(username, password, role, authority, display_name, email=email)
            db.session.commit()
        except DomainError as exc:
            db.session.rollback()
            click.echo(exc.message("zh") + "\n" + exc.message("en"), err=True)
            sys.exit(1)
        click.echo(f"已创建用户 {user.username}（{user.role}）" + (f"，邮箱 {user.email}" if user.email else "") +
                   f"\ncreated {user.username} ({user.role})" + (f", e-mail {user.email}" if user.email else ""))
