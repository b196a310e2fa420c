"""Demo data: staff for every role, two businesses, and each procedure's demo applications (DemoCase, declared
with the procedure) brought to their states (idempotent)."""

from __future__ import annotations

from sqlalchemy import select

from models import Application, User, db
from workflows import accounts, attachments, engine
from workflows.registry import PROCEDURES
from workflows.transaction import commit

PASSWORD = "bianmin2026"

STAFF = [  # username, role, authority, display name
    ("clerk_daoli", "clerk", "230102:market_regulation", "王晓梅（道里区市场监管局窗口）"),
    ("approver_daoli", "approver", "230102:market_regulation", "刘建国（道里区市场监管局分管局长）"),
    ("clerk_nangang", "clerk", "230103:market_regulation", "赵丽（南岗区市场监管局窗口）"),
    ("nr_clerk_daoli", "clerk", "230102:natural_resources", "孙海涛（道里区自然资源和规划局）"),
    ("gov_approver_daoli", "approver", "230102:government", "周明（道里区人民政府）"),
    ("reviewer_civil_daoli", "reviewer", "230102:civil_affairs", "陈静（道里区民政局）"),
    ("reviewer_housing_daoli", "reviewer", "230102:housing", "吴强（道里区住建局）"),
    ("housing_clerk_daoli", "clerk", "230102:housing", "郑红（道里区住建局窗口）"),
    ("inspector_daoli", "inspector", "230102:housing", "马骏（道里区住建局消防检查员）"),
]
PEOPLE = [
    ("admin", "admin", "系统管理员"),
    ("auditor", "auditor", "审计员"),
    ("zhang", "applicant", "哈尔滨市便民家政服务有限公司"),
    ("li", "applicant", "哈尔滨市阳光颐养养老服务有限公司"),
]

DEMO_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def seed() -> str:
    if db.session.execute(select(User.id).where(User.username == "zhang")).scalar():
        return "demo data already present"
    users = {}
    for username, role, authority, name in [*STAFF, *(s for p in PROCEDURES.values() for s in p.demo_staff)]:
        if username not in users:
            users[username] = accounts.create_user(username, PASSWORD, role, authority, name)
    for username, role, name in PEOPLE:
        users[username] = accounts.create_user(username, PASSWORD, role, None, name)
    commit()
    for proc in PROCEDURES.values():
        for case in proc.demo:
            app = engine.create(proc.name, users[case.owner], case.fields)
            for kind in case.attachments:
                kind, filename = kind if isinstance(kind, tuple) else (kind, f"{kind}.pdf")
                attachments.add(app, users[case.owner], kind, filename, DEMO_PDF)
            commit()
            for event, actor, data, *comment in case.path:  # a decision's opinion (审批意见) may follow the data
                engine.fire(app, event, users[actor], data, app.version, *comment)
                commit()
    count = db.session.execute(select(db.func.count(Application.id))).scalar()
    return f"demo data: {len(users)} users (password {PASSWORD}), {count} applications"
