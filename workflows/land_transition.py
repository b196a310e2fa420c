"""存量建筑过渡期: an existing building serves inclusive services for 5 years, unchanged land holder (DOMAIN §2)."""

from __future__ import annotations

from vocabulary import AUTHORITY_KINDS, SERVICE_CATEGORIES, category_name
from workflows import common, figures
from workflows.common import REASON_SCHEMA, issuing, not_own_application, notifying, record_reason
from workflows.definition import (
    AttachmentSpec,
    Branch,
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
    Timer,
)
from workflows.registers import Entry, Fact, Register, becomes, opens

INDUSTRY_DEPARTMENT = {
    "elderly_care": "civil_affairs",
    "childcare": "health",
    "culture": "culture_tourism",
    "sports": "sports",
}
PERIOD_YEARS = 5

STATES = {
    "draft": ("草稿", "draft"),
    "submitted": ("已提交", "submitted"),
    "correction_required": ("待补正", "correction required"),
    "not_accepted": ("不予受理", "not accepted"),
    "department_review": ("部门会签", "department review"),
    "planning_review": ("规划审查", "planning review"),
    "government_approval": ("政府审批", "government approval"),
    "in_transition": ("过渡期内", "in transition"),
    "expired": ("过渡期届满", "expired"),
    "converted": ("已办理用地手续", "converted"),
    "reverted": ("已恢复原用途", "reverted"),
    "terminated": ("过渡期已终止", "terminated"),
    "not_approved": ("不予批准", "not approved"),
    "withdrawn": ("已撤回", "withdrawn"),
}
HOLDERS = {
    "draft": "applicant",
    "submitted": "authority",
    "correction_required": "applicant",
    "department_review": "authority",
    "planning_review": "authority",
    "government_approval": "authority",
    "expired": "authority",
}

FIELDS = (
    Field("operator_name", "text", "经营者名称", "operator name", max_length=100),
    Field("credit_code", "credit_code", "经营者统一社会信用代码", "operator's unified social credit code"),
    Field("land_holder_name", "text", "用地主体（土地使用权人）", "land-use right holder", max_length=100),
    Field("property_certificate_no", "text", "不动产权证书号", "property certificate number", max_length=60),
    Field("building_address", "text", "建筑地址", "building address"),
    Field("building_division", "division", "建筑所在区县", "building division"),
    Field("floor_area_m2", "decimal", "建筑面积（平方米）", "floor area (m²)"),
    Field("current_land_use", "text", "现状土地用途", "current land use", max_length=60),
    Field(
        "planning_conditions",
        "textarea",
        "现行规划条件",
        "current planning conditions",
        required=False,
        max_length=1000,
    ),
    Field(
        "service_type",
        "choice",
        "拟兴办的普惠性服务类别",
        "inclusive service to be provided",
        choices=SERVICE_CATEGORIES,
    ),
    Field("proposed_service", "textarea", "服务内容", "service description", required=False, max_length=1000),
    Field("price_commitment", "textarea", "普惠价格承诺", "inclusive price commitment", max_length=1000),
    Field("contact_phone", "text", "联系电话", "contact phone", required=False, max_length=20),
)


def _holder_differs(fields: dict) -> bool:
    return bool(fields.get("land_holder_name")) and fields.get("land_holder_name") != fields.get("operator_name")


ATTACHMENTS = (
    AttachmentSpec("property_certificate", "不动产权证书", "property certificate", multiple=True),
    AttachmentSpec(
        "holder_consent",
        "用地主体同意书或租赁合同",
        "land holder's consent or lease",
        required=False,
        required_when=_holder_differs,
        condition=Text("用地主体与经营者不一致的", "when the land-use holder is not the operator"),
        depends_on=("operator_name", "land_holder_name"),
    ),
    AttachmentSpec("project_plan", "项目实施方案", "project plan", multiple=True),
    AttachmentSpec("safety_assessment", "房屋安全鉴定报告", "building safety assessment", multiple=True),
)


def required_departments(fields: dict) -> tuple[str, ...]:
    """The industry department for the service type, and housing (building safety)."""
    return (INDUSTRY_DEPARTMENT.get(str(fields.get("service_type")), "development_reform"), "housing")


def parties(fields: dict) -> tuple[str, ...]:
    return (*required_departments(fields), "government")


def eligibility(fields: dict, world) -> Eligibility:
    reasons = []
    if fields.get("floor_area_m2") is not None and float(fields["floor_area_m2"]) <= 0:
        reasons.append(Reason("area_positive", "建筑面积应大于0", "the floor area must be above 0", "floor_area_m2"))
    if not (fields.get("price_commitment") or "").strip():
        reasons.append(
            Reason(
                "inclusive",
                "须作出普惠价格承诺（提供普惠性生活服务）",
                "an inclusive price commitment is required",
                "price_commitment",
            )
        )
    if not fields.get("building_division"):
        reasons.append(
            Reason("incomplete", "请填写建筑所在区县", "fill in the building's division", "building_division")
        )
    if reasons:
        return Eligibility(False, None, tuple(reasons))
    return Eligibility(True, "transition")


# --- guards and effects --------------------------------------------------------------------


def opinion_pending(ctx):
    kind = ctx.actor_kind
    if kind not in required_departments(ctx.fields):
        return Reason(
            "not_required",
            f"本申请不需要{AUTHORITY_KINDS[kind][0]}的意见",
            "this application does not need your department's opinion",
        )
    if ctx.opinion_given(kind):
        return Reason(
            "opinion_once",
            "本部门已出具意见，每个部门只能出具一次",
            "your department has already given its opinion",
            status=409,
        )
    return None


def last_opinion(ctx) -> bool:
    return all(ctx.opinion_given(k) or k == ctx.actor_kind for k in required_departments(ctx.fields))


def request_opinions(ctx):
    ctx.set_deadline(ctx.proc.time_limits["decision"]["days"])
    ctx.request_opinions(required_departments(ctx.fields), ctx.proc.time_limits["opinion"]["days"])


def store_opinion(ctx):
    ctx.give_opinion(ctx.actor_kind, ctx.data["agree"], ctx.data["opinion"])


def record_review(ctx):
    ctx.record(review={k: ctx.data[k] for k in ("expropriation_plan", "soil_ok", "use_change_allowed")})


def fix_period(ctx):
    ctx.set_period(PERIOD_YEARS)


def land_facts(ctx) -> list[tuple[str, str]]:
    f = ctx.fields
    return [
        ("经营者", f.get("operator_name", "")),
        ("用地主体", f.get("land_holder_name", "")),
        ("不动产权证书号", f.get("property_certificate_no", "")),
        ("建筑地址", figures.place(f.get("building_division"), None, f.get("building_address"))),
        ("建筑面积", figures.area(f.get("floor_area_m2"))),
        ("现状土地用途", f.get("current_land_use", "")),
        ("普惠性服务", category_name(f.get("service_type"))),
        ("申请编号", ctx.app.number),
    ]


def period_extra(ctx):
    return ctx.period_cn()


def convert_effect(ctx):
    ctx.record(land_document=ctx.data["land_document"])
    ctx.set_document_status("transition_approval", "superseded", "已办理新用途用地手续 land procedures done")


def period_last_day(case):
    return case.period_last_day


def period_reminder(case, last, days_left: int) -> tuple[str, str]:
    return (
        f"{case.number} 过渡期将于{last.year}年{last.month}月{last.day}日届满（还有{days_left}天），"
        "请提前办理用地手续或准备恢复原用途",
        f"{case.number}: the transition period ends on {last.isoformat()} ({days_left} days left)",
    )


def present(case) -> dict:
    """What the application object adds: the departments' opinions and the period."""
    period = (
        {"first_day": case.period_first_day.isoformat(), "last_day": case.period_last_day.isoformat()}
        if case.period_last_day
        else None
    )
    return {"opinions": case.opinions, "period": period}


DECIDING = (not_own_application,)
GOV = ("government",)

EVENTS = (
    common.submit_event(),
    Event(
        "accept",
        ("submitted",),
        "department_review",
        ("clerk",),
        "受理并征求部门意见",
        "Accept and ask for opinions",
        guards=DECIDING,
        effects=(
            request_opinions,
            issuing("acceptance_notice", land_facts, deadline=lambda ctx: ctx.deadline_for_document()),
        ),
    ),
    Event(
        "not_accept",
        ("submitted",),
        "not_accepted",
        ("clerk",),
        "不予受理",
        "Do not accept",
        opinion="optional",
        schema=REASON_SCHEMA,
        guards=DECIDING,
        decides=True,
        effects=(
            record_reason,
            common.pause_clock,
            issuing("non_acceptance_notice", land_facts, reasons=common.reasons_text, remedies=common.remedies),
            notifying("not_accepted", "您的申请不予受理，请查看不予受理通知书。", "Your application was not accepted."),
        ),
    ),
    common.request_correction_event(("submitted",)),
    common.resubmit_event(),
    Event(
        "give_opinion",
        ("department_review",),
        (Branch("planning_review", last_opinion), Branch("department_review", lambda ctx: True)),
        ("reviewer",),
        "出具部门意见",
        "Give the department's opinion",
        acting=required_departments,
        schema={
            "agree": DataField("bool", zh="是否同意", en="agree"),
            "opinion": DataField("str", zh="意见", en="opinion"),
        },
        guards=(*DECIDING, opinion_pending),
        effects=(store_opinion,),
    ),
    Event(
        "issue_review_opinion",
        ("planning_review",),
        "government_approval",
        ("clerk",),
        "出具审查意见并报政府",
        "Issue the review opinion",
        guards=DECIDING,
        effects=(record_review,),
        schema={
            "expropriation_plan": DataField("bool", zh="是否有征收计划", en="Is there an expropriation plan?"),
            "soil_ok": DataField(
                "bool", zh="土壤环境是否符合要求", en="Does the soil meet the environmental requirements?"
            ),
            "use_change_allowed": DataField("bool", zh="期满后是否可改变用途", en="May the use change at expiry?"),
        },
    ),
    Event(
        "approve",
        ("government_approval",),
        "in_transition",
        ("approver",),
        "批准过渡期",
        "Approve",
        opinion="required",
        acting=GOV,
        guards=DECIDING,
        decides=True,
        effects=(
            fix_period,
            common.pause_clock,
            issuing(
                "transition_approval",
                land_facts,
                by="government",
                period=period_extra,
                opinions=lambda ctx: ctx.opinions_for_document(),
            ),
            notifying("approved", "过渡期已获批准，可下载批复。", "The transition period was approved."),
        ),
    ),
    Event(
        "not_approve",
        ("government_approval",),
        "not_approved",
        ("approver",),
        "不予批准",
        "Do not approve",
        opinion="optional",
        acting=GOV,
        schema=REASON_SCHEMA,
        guards=DECIDING,
        decides=True,
        effects=(
            record_reason,
            common.pause_clock,
            issuing(
                "non_approval_decision",
                land_facts,
                by="government",
                reasons=common.reasons_text,
                remedies=common.remedies,
            ),
            notifying("not_approved", "您的申请不予批准。", "Your application was not approved."),
        ),
    ),
    common.withdraw_event(
        ("submitted", "correction_required", "department_review", "planning_review", "government_approval")
    ),
    Event(
        "expire",
        ("in_transition",),
        "expired",
        ("system",),
        "过渡期届满",
        "Period expired",
        effects=(
            lambda ctx: ctx.set_document_status("transition_approval", "expired", "过渡期届满 period ended"),
            common.clock("after_expiry"),
            notifying("expired", "过渡期已届满，请办理用地手续或恢复原用途。", "The period has ended."),
        ),
    ),
    Event(
        "convert",
        ("expired", "in_transition"),
        "converted",
        ("clerk",),
        "办理新用途用地手续",
        "Convert",
        schema={"land_document": DataField("str", zh="新用地文件文号", en="new land document reference")},
        guards=DECIDING,
        effects=(convert_effect, common.pause_clock),
    ),
    Event(
        "revert",
        ("expired",),
        "reverted",
        ("clerk",),
        "恢复原用途",
        "Revert",
        guards=DECIDING,
        effects=(common.pause_clock, lambda ctx: ctx.record(reverted=True)),
    ),
    Event(
        "terminate",
        ("in_transition",),
        "terminated",
        ("approver",),
        "终止过渡期",
        "Terminate",
        opinion="optional",
        acting=GOV,
        schema=REASON_SCHEMA,
        guards=DECIDING,
        effects=(
            record_reason,
            lambda ctx: ctx.set_document_status("transition_approval", "revoked", ctx.data["reason"]),
            issuing(
                "termination_decision",
                land_facts,
                by="government",
                reasons=common.reasons_text,
                remedies=common.remedies,
                period=period_extra,
            ),
            notifying("terminated", "过渡期已被终止。", "The transition period was terminated."),
        ),
    ),
)

TIME_LIMITS: TimeLimits = {
    "intake": {"days": 5, "unit": "working_days", "from": "submit", "basis": "《中华人民共和国行政许可法》第三十二条"},
    "decision": {"days": 20, "unit": "working_days", "from": "accept"},  # [cfg], no extension
    "opinion": {"days": 5, "unit": "working_days", "from": "accept"},
    "after_expiry": {"days": 20, "unit": "working_days", "from": "expire"},
    "period": {"years": PERIOD_YEARS, "reminders_days_before": [180, 90, 30]},
}
INTAKE, DECISION, OPINION, PERIOD = (TIME_LIMITS[k] for k in ("intake", "decision", "opinion", "period"))
REMINDERS_ZH = "、".join(f"{n}日" for n in PERIOD["reminders_days_before"])
*_earlier, _last = PERIOD["reminders_days_before"]
REMINDERS_EN = ", ".join(str(n) for n in _earlier) + f" and {_last}"
PERIOD_REMINDERS = PERIOD["reminders_days_before"]

# --- its register (DOMAIN §6): the transition periods -------------------------------------------------------

ORGANISATION = (
    "公司",
    "集团",
    "中心",
    "局",
    "委员会",
    "政府",
    "办事处",
    "合作社",
    "学校",
    "医院",
    "协会",
    "厂",
    "所",
    "院",
    "社",
)


def public_holder(name: str | None) -> str | None:
    """The land-use holder is on the register when it is an organisation; a natural person's name never is."""
    return name if name and len(name) >= 4 and any(word in name for word in ORGANISATION) else None


def transition_entry(src) -> Entry:
    f = src.fields
    return Entry(
        name=f.get("operator_name", ""),
        holder=f.get("operator_name"),
        credit_code=f.get("credit_code"),
        division=f.get("building_division"),
        address=f.get("building_address", ""),
        since=src.first_day,
        until=src.last_day,
        facts={
            "land_holder": public_holder(f.get("land_holder_name")),
            "service_type": f.get("service_type"),
            "floor_area_m2": f.get("floor_area_m2"),
            "current_land_use": f.get("current_land_use"),
        },
    )


REGISTER = Register(
    "transitions",
    "存量建筑过渡期台账",
    "Register of transition periods for existing buildings",
    statuses={
        "in_force": ("过渡期内", "in force"),
        "expired": ("已届满", "expired"),
        "converted": ("已办理用地手续", "converted"),
        "reverted": ("已恢复原用途", "reverted"),
        "terminated": ("已终止", "terminated"),
    },
    in_force=("in_force",),
    entry=transition_entry,
    on={
        ("approve", "in_transition"): opens("in_force"),
        ("expire", "expired"): becomes("expired"),
        ("convert", "converted"): becomes("converted"),
        ("revert", "reverted"): becomes("reverted"),
        ("terminate", "terminated"): becomes("terminated"),
    },
    facts=(
        Fact("land_holder", "用地主体", "land-use holder"),
        Fact("service_type", "普惠性服务类别", "inclusive service", choices=SERVICE_CATEGORIES),
        Fact("floor_area_m2", "建筑面积（平方米）", "floor area (m²)", "number"),
        Fact("current_land_use", "现状土地用途", "current land use"),
    ),
    enterprise={"name": "operator_name", "credit_code": "credit_code"},
    documents=("transition_approval",),
    reminders=tuple(PERIOD_REMINDERS),
)

DOCUMENTS = (
    DocumentKind("acceptance_notice", "受理通知书", "Notice of acceptance", "受"),
    common.NON_ACCEPTANCE_NOTICE,
    common.CORRECTION_NOTICE,
    DocumentKind(
        "transition_approval",
        "关于同意利用存量建筑兴办普惠性生活服务设施享受过渡期政策的批复",
        "Approval of the transition period for an existing building used for inclusive life services",
        "批",
    ),
    DocumentKind("non_approval_decision", "不予批准决定书", "Decision not to approve", "不批"),
    DocumentKind("termination_decision", "终止过渡期决定书", "Decision to terminate the transition period", "终"),
)

# the period's end: expiry the day after its last day, reminders 180, 90 and 30 days before it
TIMERS = (
    Timer("expiry", ("in_transition",), on=period_last_day, fire="expire", label="periods expired"),
    Timer(
        "period_reminder",
        ("in_transition",),
        on=period_last_day,
        remind=tuple(PERIOD["reminders_days_before"]),
        message=period_reminder,
        label="period reminders",
    ),
)

# --- demo data (`flask seed-demo`): an elderly-care operator's two buildings in 道里区 -------------------------
_LAND = {
    "operator_name": "哈尔滨市阳光颐养养老服务有限公司",
    "credit_code": "91230102MA1D0XG5LR",
    "land_holder_name": "哈尔滨市道里区城市建设投资有限公司",
    "property_certificate_no": "黑（2021）哈尔滨市不动产权第0012345号",
    "building_address": "经纬街274号院3号楼（原仓储用房）",
    "building_division": "230102",
    "floor_area_m2": 860,
    "current_land_use": "仓储用地",
    "service_type": "elderly_care",
    "price_commitment": "养老床位收费不高于同区域公办养老机构标准，为特困老人保留10%床位",
}
_KINDS = ("property_certificate", "holder_consent", "project_plan", "safety_assessment")
_OPINION = {"agree": True, "opinion": "同意，符合本区养老服务设施布局规划"}
_REVIEW = {"expropriation_plan": False, "soil_ok": True, "use_change_allowed": True}
DEMO = (
    DemoCase(
        "li",
        _LAND,
        _KINDS,
        (
            ("submit", "li", None),
            ("accept", "nr_clerk_daoli", None),
            ("give_opinion", "reviewer_civil_daoli", _OPINION),
        ),
    ),
    DemoCase(
        "li",
        {**_LAND, "building_address": "公路四处家属楼1号楼底商"},
        _KINDS,
        (
            ("submit", "li", None),
            ("accept", "nr_clerk_daoli", None),
            ("give_opinion", "reviewer_civil_daoli", _OPINION),
            ("give_opinion", "reviewer_housing_daoli", {"agree": True, "opinion": "房屋安全鉴定为B级，可以使用"}),
            ("issue_review_opinion", "nr_clerk_daoli", _REVIEW),
            ("approve", "gov_approver_daoli", None, "同意该建筑五年过渡期，期内不改变用地主体和规划条件。"),
        ),
    ),
)

PROCEDURE = Procedure(
    name="land_transition",
    zh="存量建筑兴办普惠性生活服务过渡期",
    en="Transition period for existing buildings",
    authority_kind="natural_resources",
    states=STATES,
    initial="draft",
    holders=HOLDERS,
    events=EVENTS,
    fields=FIELDS,
    attachments=ATTACHMENTS,
    time_limits=TIME_LIMITS,
    eligibility=eligibility,
    authority_division=lambda fields: fields.get("building_division"),
    holder=Holder("operator_name", place="building_address"),
    routes={"transition": Text("过渡期政策", "Transition-period policy")},
    parties=parties,
    number_prefix="LT",
    order=2,
    documents=DOCUMENTS,
    timers=TIMERS,
    present=present,
    demo=DEMO,
    register=REGISTER,
    guide={
        "basis": [
            Text(
                "《哈尔滨市关于推动生活性服务业补短板上水平提高人民生活品质行动方案（2022—2025年）》第（八）项",
                "Harbin Action Plan for Improving Life-Service Industries and People's Quality of Life "
                "(2022–2025), item (8)",
            ),
            Text(
                "《自然资源部 国家发展改革委 …关于支持新产业新业态发展促进大众创业万众创新用地的意见》（国土资规〔2015〕5号）",
                "Opinions on land use supporting new industries and new business forms and mass "
                "entrepreneurship and innovation (国土资规〔2015〕5号)",
            ),
        ],
        "conditions": [
            Text(
                "利用存量建筑兴办国家支持的普惠性生活服务",
                "an existing building is used for inclusive life services the State supports",
            ),
            Text("不改变用地主体和规划条件", "the land-use holder and the planning conditions do not change"),
            Text(
                "用地主体与经营者不一致的，须取得用地主体同意",
                "where the operator is not the land-use holder, the holder consents",
            ),
            Text("作出普惠价格承诺", "an inclusive-price commitment is made"),
        ],
        "where": Text(
            "建筑所在区县自然资源和规划局，或本系统网上办理",
            "the natural resources and planning bureau of the building's county, or online here",
        ),
        "fee": Text("不收费", "free of charge"),
        "remedies": Text(
            "对不予受理、不予批准或终止过渡期的决定不服的，可以自收到决定之日起六十日内申请行政复议，"
            "或者六个月内提起行政诉讼。",
            "Anyone who disagrees with a decision not to accept, not to approve, or to end the transition period "
            "may apply for administrative reconsideration within 60 days of receiving it, or bring an "
            "administrative lawsuit within 6 months.",
        ),
        "time_limits": [
            Text(
                f"提交后{INTAKE['days']}个工作日内决定是否受理（{INTAKE['basis']}）",
                f"acceptance or refusal within {INTAKE['days']} working days of submission "
                "(Administrative Licensing Law, Article 32)",
            ),
            Text(
                f"受理后{DECISION['days']}个工作日内办结（本市承诺时限，不予延长），"
                f"其中各部门意见{OPINION['days']}个工作日内提出",
                f"a decision within {DECISION['days']} working days of acceptance (the city's committed "
                f"time, not extended); each department gives its opinion within {OPINION['days']} "
                "working days",
            ),
            Text(
                f"过渡期{PERIOD['years']}年，自批准之日起计算；届满前{REMINDERS_ZH}提醒",
                f"the transition period is {PERIOD['years']} years from approval; reminders "
                f"{REMINDERS_EN} days before it ends",
            ),
        ],
    },
)
