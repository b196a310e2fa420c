"""A user's e-mail address: `users create --email` and the admin users page, validated, zh + en errors."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from models import User, db
from tests.conftest import PASSWORD

BAD = [
    "not-an-address",
    "a@b",
    "two@@example.cn",
    "with space@example.cn",
    "x@example.",
    "@example.cn",
    "a" * 250 + "@example.cn",
]


def email_of(app, username):
    with app.app_context():
        return db.session.execute(select(User.email).where(User.username == username)).scalar()


def users_count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(User)).scalar_one()


def test_users_create_with_email(app, runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            "wang",
            "--password",
            "long-enough-1",
            "--role",
            "applicant",
            "--email",
            "  wang@harbin.example.cn ",
        ]
    )
    assert result.exit_code == 0, result.output
    assert (
        result.output.startswith("已创建用户 wang")
        and "created wang (applicant), e-mail wang@harbin.example.cn" in result.output
    )
    assert email_of(app, "wang") == "wang@harbin.example.cn"
    assert (
        runner.invoke(
            args=["users", "create", "--username", "zhao", "--password", "long-enough-1", "--role", "applicant"]
        ).exit_code
        == 0
    )
    assert email_of(app, "zhao") is None


@pytest.mark.parametrize("address", BAD)
def test_users_create_refuses_a_bad_email(app, runner, address):
    before = users_count(app)
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--username",
            "wang",
            "--password",
            "long-enough-1",
            "--role",
            "applicant",
            "--email",
            address,
        ]
    )
    assert result.exit_code == 1
    first, second = result.output.strip().splitlines()[:2]
    assert "电子邮箱格式不正确" in first and "e-mail: not a valid address" in second
    assert users_count(app) == before


def test_users_create_twice_says_already_exists_and_changes_nothing(app, runner):
    args = [
        "users",
        "create",
        "--username",
        "wang",
        "--password",
        "long-enough-1",
        "--role",
        "applicant",
        "--email",
        "wang@harbin.example.cn",
    ]
    assert runner.invoke(args=args).exit_code == 0
    with app.app_context():
        before = db.session.execute(
            select(User.id, User.password_hash, User.email, User.role).where(User.username == "wang")
        ).one()
    again = runner.invoke(args=args[:-1] + ["other@harbin.example.cn"])
    assert again.exit_code == 1
    assert "用户名已存在" in again.output and "username already exists" in again.output
    with app.app_context():
        after = db.session.execute(
            select(User.id, User.password_hash, User.email, User.role).where(User.username == "wang")
        ).one()
    assert after == before


def _admin(app, users):
    client = app.test_client()
    assert client.post("/login", data={"username": "admin", "password": PASSWORD}).status_code == 302
    return client


def test_the_admin_users_page_takes_an_email(app, users):
    client = _admin(app, users)
    page = client.get("/admin/users").data.decode()
    assert 'name="email"' in page and 'type="email"' in page
    r = client.post(
        "/admin/users",
        data={
            "username": "wang",
            "display_name": "王",
            "password": "long-enough-1",
            "role": "applicant",
            "authority": "",
            "email": "wang@harbin.example.cn",
        },
    )
    assert r.status_code == 303, r.data.decode()
    assert email_of(app, "wang") == "wang@harbin.example.cn"


def test_the_admin_users_page_refuses_a_bad_email_beside_the_field(app, users):
    client = _admin(app, users)
    before = users_count(app)
    r = client.post(
        "/admin/users",
        data={
            "username": "wang",
            "password": "long-enough-1",
            "role": "applicant",
            "authority": "",
            "email": "wang-at-harbin",
        },
    )
    assert r.status_code == 422
    page = r.data.decode()
    field = page[page.index('id="f-email"') :]
    field = field[: field.index("</div>")]
    assert "电子邮箱格式不正确" in field and "e-mail: not a valid address" in field and 'aria-invalid="true"' in field
    assert 'value="wang-at-harbin"' in field  # what was typed stays, to be corrected
    assert users_count(app) == before
