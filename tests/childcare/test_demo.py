"""`flask seed-demo` brings childcare_filing's demo cases to their states from its declaration, with the health
bureau's clerk and inspector as demo logins; the non-compliant one is on the public register with its finding."""

from __future__ import annotations

from sqlalchemy import select

from models import Application, User, db
from tests.engine.conftest import fast_pdf  # noqa: F401  (fixture)


def test_seed_demo_includes_childcare_cases_and_health_staff(app, runner, fast_pdf, client):  # noqa: F811
    result = runner.invoke(args=["seed-demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        states = sorted(
            db.session.execute(select(Application.state).where(Application.procedure == "childcare_filing")).scalars()
        )
        staff = {
            u.username: (u.role, u.authority.key)
            for u in db.session.execute(select(User).where(User.username.like("health_%"))).scalars()
        }
    assert states == ["filed", "noncompliant", "submitted"]
    assert staff == {
        "health_clerk_daoli": ("clerk", "230102:health"),
        "health_inspector_daoli": ("inspector", "230102:health"),
    }
    published = client.get("/api/v1/registers/childcare").get_json()
    assert {i["status"] for i in published["items"]} == {"filed", "noncompliant"}
    finding = next(i for i in published["items"] if i["status"] == "noncompliant")["facts"]["finding"]
    assert "健康合格证明" in finding
    login = client.post("/login", data={"username": "health_clerk_daoli", "password": "bianmin2026"})
    assert login.status_code == 302
    inbox = client.get("/console/").get_data(as_text=True)
    assert "哈尔滨市道里区小星星托育服务有限公司" in inbox
