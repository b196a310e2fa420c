"""`flask users create|lock|unlock|revoke-tokens|set-password|unlock-address`: the account operations of
workflows/operations/accounts.py, as the admin pages and the API call them (the actor is "system")."""

from __future__ import annotations

import sys

import click
from flask import Flask
from flask.cli import AppGroup  # its commands push an app context, also under app.test_cli_runner()

from models import db
from workflows import operations
from workflows.errors import DomainError
from workflows.operations.accounts import user_named


def run(change) -> None:
    """Run one operation and commit; a refusal is printed in both languages and exits with status 1."""
    try:
        said = change()
        db.session.commit()
    except DomainError as exc:
        db.session.rollback()
        click.echo(exc.message("zh") + "\n" + exc.message("en"), err=True)
        sys.exit(1)
    click.echo(said)


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

        def change():
            user = operations.create_user(None, username, password, role, authority, display_name, email=email)
            mail = f"，邮箱 {user.email}" if user.email else ""
            return f"已创建用户 {user.username}（{user.role}）{mail}\ncreated {user.username} ({user.role})" + (
                f", e-mail {user.email}" if user.email else ""
            )

        run(change)

    @users.command("lock")
    @click.argument("username")
    def users_lock(username):
        """Lock an account until it is unlocked; its sessions and tokens end at once."""
        run(
            lambda: (
                operations.lock_account(None, user_named(username))
                or f"已锁定账户 {username}\nlocked {username}: every session and token ended"
            )
        )

    @users.command("unlock")
    @click.argument("username")
    def users_unlock(username):
        """Unlock an account (locked by failed logins or by an admin)."""
        run(
            lambda: (
                operations.unlock_account(None, user_named(username)) or f"已解锁账户 {username}\nunlocked {username}"
            )
        )

    @users.command("revoke-tokens")
    @click.argument("username")
    def users_revoke(username):
        """End every API token and web session of a user."""
        run(
            lambda: (
                f"revoked {operations.revoke_tokens(None, user_named(username))} tokens of {username}; "
                "every session ended"
            )
        )

    @users.command("set-password")
    @click.argument("username")
    @click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
    def users_set_password(username, password):
        """Set a new password (the policy applies); every session and token of the user ends."""
        run(
            lambda: (
                operations.change_password(None, user_named(username), password)
                or f"已为 {username} 设置新密码\nnew password set for {username}; every session and token ended"
            )
        )

    @users.command("unlock-address")
    @click.argument("address")
    def users_unlock_address(address):
        """Unlock a network address locked after failed logins."""
        run(lambda: operations.unlock_address(None, address) or f"unlocked address {address}")
