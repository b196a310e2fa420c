"""一照多址: a service business adds a premise in its own county without opening a branch (DOMAIN §1)."""

from __future__ import annotations

import re
import unicodedata

from vocabulary import (
    SERVICE_CATEGORIES,
    STREET_NAMES,
    authority_name,
    authority_name_en,
    category_name,
    division_name,
    division_name_en,
)
from workflows import common, figures
from workflows.common import REASON_SCHEMA, issuing, not_own_application, notifying, record_reason
from workflows.definition import (
    AttachmentSpec,
    DataField,
    DemoCase,
    DocumentKind,
    Eligibility,
    Event,
    Field,
    Holder,
    Procedure,
    Reason,
    Text,
    TimeLimits,
)
from workflows.registers import Entry, Fact, Register, becomes, opens
from workflows.values import normalise_address

STATES = {
    "draft": ("草稿", "draft"),
    "submitted": ("已提交", "submitted"),
    "correction_required": ("待补正", "correction required"),
    "under_review": ("审查中", "under review"),
    "registered": ("已登记", "registered"),
    "refused": ("不予登记", "refused"),
    "redirected": ("已告知向有权机关申请", "redirected"),
    "withdrawn": ("已撤回", "withdrawn"),
    "cancelled": ("已注销", "cancelled"),
    "revoked": ("已撤销登记", "revoked"),
}
HOLDERS = {
    "draft": "applicant",
    "submitted": "authority",
    "correction_required": "applicant",
    "under_review": "authority",
}

FIELDS = (
    Field("enterprise_name", "text", "企业名称", "enterprise name", max_length=100),
    Field("credit_code", "credit_code", "统一社会信用代码", "unified social credit code"),
    Field("domicile_address", "text", "住所（登记地址）", "registered domicile address"),
    Field("domicile_division", "division", "住所所在区县", "domicile division"),
    Field("service_category", "choice", "服务类别", "service category", choices=SERVICE_CATEGORIES),
    Field(
        "premise_address",
        "text",
        "新增经营场所地址",
        "address of the added premise",
        help=Text("路、门牌号、楼栋、房间号", "road, number, building, room"),
    ),
    Field("premise_division", "division", "经营场所所在区县", "premise division"),
    Field(
        "premise_street",
        "text",
        "经营场所所在街道",
        "premise street office",
        max_length=40,
        help=Text("街道办事处名称或统计用区划代码", "the street office's name or its statistical division code"),
        suggestions=STREET_NAMES,
    ),
    Field("business_scope", "textarea", "该场所经营范围", "business scope at the premise", max_length=1000),
    Field("needs_prior_licence", "bool", "该场所经营活动是否需要前置审批", "needs a prior licence at the premise"),
    Field(
        "registered_scope",
        "textarea",
        "营业执照登记的经营范围",
        "registered business scope",
        required=False,
        max_length=2000,
    ),
    Field("filed_by_agent", "bool", "是否委托代理人办理", "filed by an agent", required=False),
    Field("agent_name", "text", "代理人姓名", "agent's name", required=False, max_length=40),
    Field("contact_phone", "text", "联系电话", "contact phone", required=False, max_length=20),
)

ATTACHMENTS = (
    AttachmentSpec(
        "premise_use_document",
        "经营场所使用证明（产权证明或租赁合同及产权证明）",
        "premise use document (property certificate, or lease and owner's certificate)",
        multiple=True,
    ),
    AttachmentSpec(
        "power_of_attorney",
        "授权委托书",
        "agent's power of attorney",
        required=False,
        required_when=lambda f: bool(f.get("filed_by_agent")),
        condition=Text("委托代理人办理的", "when an agent files on the enterprise's behalf"),
    ),
)


def _scope_items(text: str | None) -> set[str]:
    """The items of a business scope, split at its separators outside brackets, full-width characters folded
    ("家政服务（不含职业中介、劳务派遣）" is one item, written with ASCII brackets)."""
    items, depth, item = [], 0, ""
    for ch in unicodedata.normalize("NFKC", text or ""):
        depth += (ch in "([") - (ch in ")]")
        if depth <= 0 and ch in ";,、。\n":
            items.append(item)
            item, depth = "", 0
        else:
            item += ch
    return {i.strip() for i in (*items, item) if i.strip()}


def _outside(item: str, registered: set[str]) -> bool:
    """An item lies within the registered scope when it is one of its items, or one narrowed by a bracketed
    qualifier ("家政服务（不含职业中介活动）" within "家政服务"): a qualifier narrows an item, it adds none."""
    return item not in registered and re.sub(r"\s*\([^()]*\)", "", item).strip() not in registered


def eligibility(fields: dict, world) -> Eligibility:
    """Same county, not the domicile, not a duplicate, no prior licence; otherwise the branch route."""
    reasons: list[Reason] = []
    branch = False
    dom, prem = fields.get("domicile_division"), fields.get("premise_division")
    if not dom or not prem:
        reasons.append(
            Reason(
                "incomplete",
                "请填写住所和经营场所所在区县后判断",
                "fill in the domicile and premise divisions to check eligibility",
                "premise_division" if dom else "domicile_division",
            )
        )
    elif dom != prem and not world.setting("cross_county_premise", False):
        branch = True
        reasons.append(
            Reason(
                "same_county",
                f"经营场所位于{division_name(prem)}，与住所（{division_name(dom)}）不属同一县级登记机关管辖："
                f"请向{authority_name(prem, 'market_regulation')}申请分支机构设立登记",
                f"the premise is in {division_name_en(prem)} ({prem}), not the domicile's county "
                f"{division_name_en(dom)} ({dom}): register a branch at the "
                f"{authority_name_en(prem, 'market_regulation')}",
                "premise_division",
            )
        )
    if fields.get("needs_prior_licence"):
        branch = True
        reasons.append(
            Reason(
                "prior_licence",
                "该场所的经营活动需要前置审批，应办理分支机构设立登记",
                "the activity at the premise needs a prior licence: register a branch instead",
                "needs_prior_licence",
            )
        )
    premise = normalise_address(fields.get("premise_address"))
    if premise and premise == normalise_address(fields.get("domicile_address")):
        reasons.append(
            Reason(
                "not_domicile",
                "经营场所与住所相同，无需增加经营场所登记",
                "the premise is the registered domicile itself",
                "premise_address",
            )
        )
    elif premise and fields.get("credit_code") and premise in world.lookup("active_premises", fields["credit_code"]):
        reasons.append(
            Reason(
                "duplicate",
                "该企业已登记此经营场所（有效状态）",
                "this enterprise already has this premise registered",
                "premise_address",
            )
        )
    registered = _scope_items(fields.get("registered_scope"))
    outside = (
        sorted(i for i in _scope_items(fields.get("business_scope")) if _outside(i, registered)) if registered else []
    )
    if outside:
        reasons.append(
            Reason(
                "within_scope",
                f"经营范围超出登记范围：{'、'.join(outside)}",
                f"business scope outside the registered scope: {', '.join(outside)}",
                "business_scope",
            )
        )
    if reasons:
        return Eligibility(False, "branch" if branch else None, tuple(reasons))
    return Eligibility(True, "premise")


def premise_facts(ctx) -> list[tuple[str, str]]:
    f = ctx.fields
    place = figures.place(f.get("premise_division"), f.get("premise_street"), f.get("premise_address"))
    category = category_name(f.get("service_category"))
    return [
        ("企业名称", f.get("enterprise_name", "")),
        ("统一社会信用代码", f.get("credit_code", "")),
        ("住所", f.get("domicile_address", "")),
        ("新增经营场所", place),
        ("服务类别", category),
        ("该场所经营范围", f.get("business_scope", "")),
    ]


def receipt_facts(ctx) -> list[tuple[str, str]]:
    materials = "；".join(f"{ctx.proc.label(a.kind)[0]}（{a.filename}）" for a in ctx.app.attachments) or "申请书"
    return premise_facts(ctx)[:4] + [("申请编号", ctx.app.number), ("收到材料", materials)]


def extension_left(ctx):
    if ctx.app.extensions >= 1:
        return Reason("extend_once", "审查期限只能延长一次", "the time limit may be extended only once")
    return None


def extend_deadline(ctx):
    ctx.extend_deadline(ctx.proc.time_limits["extension"]["days"])
    ctx.record(extension_reason=ctx.data["reason"])


def other_authority(ctx):
    if ctx.app.authority and ctx.data.get("authority") == ctx.app.authority.division_code:
        return Reason(
            "redirect_elsewhere",
            "改向的机关不能是本机关所在区县",
            "redirect to another division's authority",
            "data.authority",
        )
    return None


def record_redirect(ctx):
    code = ctx.data["authority"]
    ctx.record(redirected_to=code, redirected_to_name=authority_name(code, "market_regulation"))


def record_closing(ctx):
    closed_on = ctx.data.get("closed_on")
    ctx.record(
        closed_on=closed_on or ctx.today.isoformat(),
        cancelled_late=bool(closed_on and (ctx.today - ctx.parse_date(closed_on)).days > 30),
    )
    ctx.set_document_status("registration_notice", "expired", "经营场所已注销 premise cancelled")


def closing_not_future(ctx):
    closed_on = ctx.data.get("closed_on")
    if closed_on and ctx.parse_date(closed_on) > ctx.today:
        return Reason(
            "not_future", "停止经营日期不能晚于今天", "the closing date cannot be in the future", "data.closed_on"
        )
    return None


def revoke_documents(ctx):
    ctx.set_document_status("registration_notice", "revoked", ctx.data["reason"])


DECIDING = (not_own_application,)
remedies = common.remedies

EVENTS = (
    common.submit_event(),
    Event(
        "register",
        ("submitted", "under_review"),
        "registered",
        ("clerk",),
        "准予登记",
        "Register",
        opinion="optional",
        guards=DECIDING,
        bulk=True,
        decides=True,
        effects=(
            common.pause_clock,
            issuing("registration_notice", premise_facts),
            notifying(
                "registered",
                "您的经营场所已登记，可下载经营场所登记通知书。",
                "Your premise is registered: the notice can be downloaded.",
            ),
        ),
    ),
    Event(
        "accept",
        ("submitted",),
        "under_review",
        ("clerk",),
        "受理（出具接收凭证）",
        "Accept for review",
        guards=DECIDING,
        bulk=True,
        effects=(issuing("receipt", receipt_facts, deadline=lambda ctx: ctx.deadline_for_document()),),
    ),
    Event(
        "extend",
        ("under_review",),
        "under_review",
        ("approver",),
        "延长审查期限",
        "Extend the time limit",
        schema={"reason": DataField("str", zh="延期理由", en="reason")},
        guards=(*DECIDING, extension_left),
        effects=(extend_deadline,),
    ),
    common.request_correction_event(("submitted", "under_review")),
    common.resubmit_event(),
    Event(
        "refuse",
        ("submitted", "under_review"),
        "refused",
        ("clerk",),
        "不予登记",
        "Refuse",
        opinion="optional",
        schema=REASON_SCHEMA,
        guards=DECIDING,
        decides=True,
        effects=(
            record_reason,
            common.pause_clock,
            issuing("refusal_notice", premise_facts, reasons=common.reasons_text, remedies=remedies),
            notifying("refused", "您的申请不予登记，请查看不予登记通知书。", "Your application was refused."),
        ),
    ),
    Event(
        "redirect",
        ("submitted",),
        "redirected",
        ("clerk",),
        "告知向有权机关申请",
        "Redirect",
        schema={"authority": DataField("division", zh="有权机关所在区县", en="division of the competent authority")},
        guards=(*DECIDING, other_authority),
        decides=True,
        effects=(
            record_redirect,
            common.pause_clock,
            notifying(
                "redirected",
                "本机关无管辖权，请向告知的有权机关申请。",
                "Please apply to the competent authority named.",
            ),
        ),
    ),
    common.withdraw_event(("submitted", "correction_required", "under_review")),
    Event(
        "cancel",
        ("registered",),
        "cancelled",
        ("applicant",),
        "注销经营场所",
        "Cancel the premise",
        schema={"closed_on": DataField("date", required=False, zh="停止经营日期", en="closing date")},
        guards=(closing_not_future,),
        effects=(record_closing,),
    ),
    Event(
        "revoke",
        ("registered",),
        "revoked",
        ("approver",),
        "撤销登记",
        "Revoke",
        opinion="optional",
        schema=REASON_SCHEMA,
        guards=DECIDING,
        effects=(
            record_reason,
            revoke_documents,
            issuing("revocation_decision", premise_facts, reasons=common.reasons_text, remedies=remedies),
            notifying("revoked", "您的经营场所登记已被撤销。", "Your premise registration was revoked."),
        ),
    ),
)

TIME_LIMITS: TimeLimits = {
    "decision": {"days": 3, "unit": "working_days", "from": "submit", "basis": "《市场主体登记管理条例》第十九条"},
    "extension": {"days": 3, "unit": "working_days", "times": 1},
    "cancel": {"days": 30, "unit": "days", "from": "premise_closed"},  # 注销 within 30 days of closing
}
DECISION, EXTENSION, CANCEL = TIME_LIMITS["decision"], TIME_LIMITS["extension"], TIME_LIMITS["cancel"]

# --- demo data (`flask seed-demo`): two service businesses of 道里区 and their premises -----------
_HOUSEKEEPING = {
    "enterprise_name": "哈尔滨市便民家政服务有限公司",
    "credit_code": "91230102MA1BN7QK0X",
    "domicile_address": "哈尔滨市道里区经纬街266号院2号楼1单元101室",
    "domicile_division": "230102",
    "service_category": "housekeeping",
    "business_scope": "家政服务；养老服务",
    "registered_scope": "家政服务；养老服务；保洁服务",
    "needs_prior_licence": False,
    "contact_phone": "0451-84600000",
    "premise_division": "230102",
}
_ELDERLY = {
    "enterprise_name": "哈尔滨市阳光颐养养老服务有限公司",
    "credit_code": "91230102MA1D0XG5LR",
    "domicile_address": "哈尔滨市道里区阳光颐养花园小区8号楼",
    "domicile_division": "230102",
    "service_category": "elderly_care",
    "business_scope": "养老服务；社区助餐",
    "needs_prior_licence": False,
    "premise_division": "230102",
}
_LEASE = (("premise_use_document", "房屋租赁合同及产权证明.pdf"),)
_CORRECTION = {
    "items": [
        {"field": "premise_use_document", "reason": "租赁合同缺少出租方签章页"},
        {"field": "business_scope", "reason": "该场所经营范围请具体写明“家政服务”"},
    ]
}


def _demo(owner, base, address, street, path=()):
    return DemoCase(owner, {**base, "premise_address": address, "premise_street": street}, _LEASE, tuple(path))


DEMO = (
    _demo("zhang", _HOUSEKEEPING, "索菲亚小区3号楼1单元102室", "230102001"),
    _demo("zhang", _HOUSEKEEPING, "工厂街北小区6号楼门市", "230102001", [("submit", "zhang", None)]),
    _demo(
        "zhang",
        _HOUSEKEEPING,
        "经纬八道街31号院1楼",
        "230102001",
        [("submit", "zhang", None), ("accept", "clerk_daoli", None)],
    ),
    _demo(
        "zhang",
        _HOUSEKEEPING,
        "河梁小区12号楼门市房",
        "230102015",
        [("submit", "zhang", None), ("request_correction", "clerk_daoli", _CORRECTION)],
    ),
    _demo(
        "zhang",
        _HOUSEKEEPING,
        "工程街186号1层",
        "230102012",
        [("submit", "zhang", None), ("register", "clerk_daoli", None)],
    ),
    _demo(
        "li",
        _ELDERLY,
        "河政花园5号楼1层",
        "230102015",
        [("submit", "li", None), ("accept", "clerk_daoli", None), ("register", "clerk_daoli", None)],
    ),
    _demo(
        "li",
        _ELDERLY,
        "瑞江花园社区用房",
        "230102019",
        [
            ("submit", "li", None),
            ("refuse", "clerk_daoli", {"reason": "经营场所使用证明载明用途为住宅，且未提供利害关系业主同意证明"}),
        ],
    ),
    _demo("li", _ELDERLY, "迎宾小区四街区2号楼门市", "230102017", [("submit", "li", None)]),
)

DOCUMENTS = (
    DocumentKind("receipt", "接收申请材料凭证", "Receipt of application materials", "收"),
    common.CORRECTION_NOTICE,
    DocumentKind("registration_notice", "经营场所登记通知书", "Notice of business premise registration", "经登"),
    DocumentKind("refusal_notice", "不予登记通知书", "Notice of refusal to register", "不登"),
    DocumentKind("revocation_decision", "撤销登记决定书", "Decision to revoke a registration", "撤登"),
)


# --- its register (DOMAIN §6): the premises in force --------------------------------------------------------


def premise_entry(src) -> Entry:
    f = src.fields
    return Entry(
        name=f.get("enterprise_name", ""),
        holder=f.get("enterprise_name"),
        credit_code=f.get("credit_code"),
        division=f.get("premise_division"),
        street=f.get("premise_street"),
        address=f.get("premise_address", ""),
        facts={"service_category": f.get("service_category"), "business_scope": f.get("business_scope")},
    )


def active_premises(world, credit_code: str) -> set[str]:
    """The normalised addresses of this enterprise's premises in force, as the register has them."""
    return {e["address_key"] for e in world.register_entries("premises", credit_code=credit_code, in_force=True)}


REGISTER = Register(
    "premises",
    "经营场所登记台账",
    "Register of business premises",
    statuses={
        "in_force": ("有效", "in force"),
        "cancelled": ("已注销", "cancelled"),
        "revoked": ("已撤销登记", "revoked"),
    },
    in_force=("in_force",),
    entry=premise_entry,
    on={
        ("register", "registered"): opens("in_force"),
        ("cancel", "cancelled"): becomes("cancelled"),
        ("revoke", "revoked"): becomes("revoked"),
    },
    facts=(
        Fact("service_category", "服务类别", "service category", choices=SERVICE_CATEGORIES),
        Fact("business_scope", "该场所经营范围", "business scope at the premise"),
    ),
    enterprise={
        "name": "enterprise_name",
        "credit_code": "credit_code",
        "domicile_address": "domicile_address",
        "domicile_division": "domicile_division",
        "registered_scope": "registered_scope",
    },
    documents=("registration_notice",),
)

PROCEDURE = Procedure(
    name="premise_addition",
    zh="增加经营场所登记（一照多址）",
    en="Adding a business premise (one licence, several addresses)",
    authority_kind="market_regulation",
    states=STATES,
    initial="draft",
    holders=HOLDERS,
    events=EVENTS,
    fields=FIELDS,
    attachments=ATTACHMENTS,
    time_limits=TIME_LIMITS,
    eligibility=eligibility,
    authority_division=lambda fields: fields.get("domicile_division"),
    holder=Holder("enterprise_name", place="premise_address"),
    routes={
        "premise": Text("增加经营场所登记", "Adding a business premise"),
        "branch": Text("应办理分支机构设立登记", "register a branch instead"),
    },
    number_prefix="PA",
    order=1,
    documents=DOCUMENTS,
    provides={"active_premises": active_premises},
    demo=DEMO,
    register=REGISTER,
    guide={
        "basis": [
            Text(
                "《市场主体登记管理条例》第十一条、第十九条、第二十条",
                "Regulations on the Registration Administration of Market Entities, Articles 11, 19 and 20",
            ),
            Text(
                "《市场主体登记管理条例实施细则》第十八条、第二十一条、第二十三条",
                "Implementing Rules of the Regulations on the Registration Administration of Market Entities, "
                "Articles 18, 21 and 23",
            ),
            Text(
                "《哈尔滨市关于推动生活性服务业补短板上水平提高人民生活品质行动方案（2022—2025年）》",
                "Harbin Action Plan for Improving Life-Service Industries and People's Quality of Life (2022–2025)",
            ),
        ],
        "conditions": [
            Text("在住所以外开展经营活动", "business is carried on at a place other than the registered domicile"),
            Text(
                "经营场所与住所属于同一县级登记机关管辖",
                "the premise and the domicile are under the same county-level registration authority",
            ),
            Text("该场所经营活动无需前置审批", "the activities at the premise need no prior licence"),
            Text(
                "该场所经营范围在登记的经营范围之内",
                "the business scope at the premise lies within the registered business scope",
            ),
        ],
        "where": Text(
            "住所所在区县市场监督管理局政务服务窗口，或本系统网上办理",
            "the service window of the market regulation bureau of the domicile's county, or online here",
        ),
        "fee": Text("不收费", "free of charge"),
        "remedies": Text(
            "对不予登记、撤销登记等决定不服的，可以自收到决定之日起六十日内申请行政复议，或者六个月内提起行政诉讼。",
            "Anyone who disagrees with a refusal to register, a revocation or another decision may apply for "
            "administrative reconsideration within 60 days of receiving it, or bring an administrative lawsuit "
            "within 6 months.",
        ),
        "time_limits": [
            Text(
                f"{DECISION['days']}个工作日内作出决定，自提交或补正后重新提交之日起计算（{DECISION['basis']}）",
                f"a decision within {DECISION['days']} working days of submission, or of resubmission "
                "after correction (Regulations on the Registration Administration of Market Entities, "
                "Article 19)",
            ),
            Text(
                f"经负责人批准可延长一次，延长{EXTENSION['days']}个工作日",
                f"the head of the authority may extend it once, by {EXTENSION['days']} working days",
            ),
            Text(
                f"经营场所关闭的，自关闭之日起{CANCEL['days']}日内申请注销该场所",
                f"a premise that closes is cancelled on application within {CANCEL['days']} days of closing",
            ),
        ],
    },
)
