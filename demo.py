"""Demo data: staff for every role, two businesses, and applications in several states (idempotent)."""
from __future__ import annotations

from sqlalchemy import select

from models import Application, User, db
from workflows import accounts, attachments, engine
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
PEOPLE = [("admin", "admin", "系统管理员"), ("auditor", "auditor", "审计员"),
          ("zhang", "applicant", "哈尔滨市便民家政服务有限公司"), ("li", "applicant", "哈尔滨市阳光颐养养老服务有限公司")]

HOUSEKEEPING = {"enterprise_name": "哈尔滨市便民家政服务有限公司", "credit_code": "91230102MA1BN7QK0X",
                "domicile_address": "哈尔滨市道里区经纬街266号院2号楼1单元101室", "domicile_division": "230102",
                "service_category": "housekeeping", "business_scope": "家政服务；养老服务",
                "registered_scope": "家政服务；养老服务；保洁服务", "needs_prior_licence": False,
                "contact_phone": "0451-84600000", "premise_division": "230102"}
ELDERLY = {"enterprise_name": "哈尔滨市阳光颐养养老服务有限公司", "credit_code": "91230102MA1D0XG5LR",
           "domicile_address": "哈尔滨市道里区阳光颐养花园小区8号楼", "domicile_division": "230102",
           "service_category": "elderly_care", "business_scope": "养老服务；社区助餐",
           "needs_prior_licence": False, "premise_division": "230102"}

# (owner, base fields, premise address, street, path of (event, actor, data))
APPLICATIONS = [
    ("zhang", HOUSEKEEPING, "索菲亚小区3号楼1单元102室", "230102001", []),
    ("zhang", HOUSEKEEPING, "工厂街北小区6号楼门市", "230102001", [("submit", "zhang", None)]),
    ("zhang", HOUSEKEEPING, "经纬八道街31号院1楼", "230102001",
     [("submit", "zhang", None), ("accept", "clerk_daoli", None)]),
    ("zhang", HOUSEKEEPING, "河梁小区12号楼门市房", "230102015",
     [("submit", "zhang", None), ("request_correction", "clerk_daoli",
                                  {"items": [{"field": "premise_use_document", "reason": "租赁合同缺少出租方签章页"},
                                             {"field": "business_scope", "reason": "该场所经营范围请具体写明“家政服务”"}]})]),
    ("zhang", HOUSEKEEPING, "工程街186号1层", "230102012",
     [("submit", "zhang", None), ("register", "clerk_daoli", None)]),
    ("li", ELDERLY, "河政花园5号楼1层", "230102015",
     [("submit", "li", None), ("accept", "clerk_daoli", None), ("register", "clerk_daoli", None)]),
    ("li", ELDERLY, "瑞江花园社区用房", "230102019",
     [("submit", "li", None), ("refuse", "clerk_daoli", {"reason": "经营场所使用证明载明用途为住宅，且未提供利害关系业主同意证明"})]),
    ("li", ELDERLY, "迎宾小区四街区2号楼门市", "230102017", [("submit", "li", None)]),
]

DEMO_PDF = (b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
            b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def seed() -> str:
    if db.session.execute(select(User.id).where(User.username == "zhang")).scalar():
        return "demo data already present"
    users = {}
    for username, role, authority, name in STAFF:
        users[username] = accounts.create_user(username, PASSWORD, role, authority, name)
    for username, role, name in PEOPLE:
        users[username] = accounts.create_user(username, PASSWORD, role, None, name)
    commit()
    for owner, base, address, street, path in APPLICATIONS:
        app = engine.create("premise_addition", users[owner],
                            {**base, "premise_address": address, "premise_street": street})
        attachments.add(app, users[owner], "premise_use_document", "房屋租赁合同及产权证明.pdf", DEMO_PDF)
        commit()
        for event, actor, data in path:
            engine.fire(app, event, users[actor], data, app.version)
            commit()
    count = db.session.execute(select(db.func.count(Application.id))).scalar()
    return f"demo data: {len(users)} users (password {PASSWORD}), {count} applications"
