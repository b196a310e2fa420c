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

LAND = {"operator_name": "哈尔滨市阳光颐养养老服务有限公司", "credit_code": "91230102MA1D0XG5LR",
        "land_holder_name": "哈尔滨市道里区城市建设投资有限公司", "property_certificate_no": "黑（2021）哈尔滨市不动产权第0012345号",
        "building_address": "经纬街274号院3号楼（原仓储用房）", "building_division": "230102", "floor_area_m2": 860,
        "current_land_use": "仓储用地", "service_type": "elderly_care",
        "price_commitment": "养老床位收费不高于同区域公办养老机构标准，为特困老人保留10%床位"}
LAND_KINDS = ("property_certificate", "holder_consent", "project_plan", "safety_assessment")
OPINION = {"agree": True, "opinion": "同意，符合本区养老服务设施布局规划"}
REVIEW = {"expropriation_plan": False, "soil_ok": True, "use_change_allowed": True}
FIRE = {"facility_name": "河松小区二期社区托育服务点", "credit_code": "91230102MA1C2D3E41", "site_address": "河松小区二期6号楼1层",
        "site_division": "230102", "facility_type": "childcare", "special_construction": False, "crowded_place": True,
        "floor_area_m2": 260, "total_investment_yuan": 280000, "completion_date": "2026-11-20"}
FIRE_KINDS = ("filing_form", "commitment_letter", "completion_report", "as_built_drawings")
OTHER_PROCEDURES = [  # (procedure, owner, fields, attachment kinds, path)
    ("land_transition", "li", LAND, LAND_KINDS,
     [("submit", "li", None), ("accept", "nr_clerk_daoli", None), ("give_opinion", "reviewer_civil_daoli", OPINION)]),
    ("land_transition", "li", {**LAND, "building_address": "公路四处家属楼1号楼底商"}, LAND_KINDS,
     [("submit", "li", None), ("accept", "nr_clerk_daoli", None), ("give_opinion", "reviewer_civil_daoli", OPINION),
      ("give_opinion", "reviewer_housing_daoli", {"agree": True, "opinion": "房屋安全鉴定为B级，可以使用"}),
      ("issue_review_opinion", "nr_clerk_daoli", REVIEW), ("approve", "gov_approver_daoli", None)]),
    ("fire_filing", "zhang", FIRE, FIRE_KINDS, [("submit", "zhang", None)]),
    ("fire_filing", "zhang", {**FIRE, "facility_name": "索菲亚小区社区助餐点", "facility_type": "community_catering",
                              "crowded_place": False, "site_address": "索菲亚小区2号楼门市"}, FIRE_KINDS,
     [("submit", "zhang", None)]),
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
    for procedure, owner, fields, kinds, path in OTHER_PROCEDURES:
        app = engine.create(procedure, users[owner], fields)
        for kind in kinds:
            attachments.add(app, users[owner], kind, f"{kind}.pdf", DEMO_PDF)
        commit()
        for event, actor, data in path:
            engine.fire(app, event, users[actor], data, app.version)
            commit()
    count = db.session.execute(select(db.func.count(Application.id))).scalar()
    return f"demo data: {len(users)} users (password {PASSWORD}), {count} applications"
