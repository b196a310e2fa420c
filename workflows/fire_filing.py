"""消防验收备案: simplified filing for small community service sites, random spot checks (DOMAIN §3)."""

from __future__ import annotations

from datetime import date

from vocabulary import SERVICE_CATEGORIES, category_name
from workflows import common, figures
from workflows.common import REASON_SCHEMA, issuing, not_own_application, notifying, record_reason
from workflows.definition import (
    AttachmentSpec,
    AuthoritySetting,
    Branch,
    DataField,
    DemoCase,
    DocumentKind,
    DrawCategory,
    DrawRule,
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
from workflows.registers import Entry, Fact, Register, address_key, becomes, opens

AREA_LIMIT, INVESTMENT_LIMIT = 300, 300_000  # "以下" includes the number (民法典 art. 1259)
MODES = {
    "promise": ("告知承诺", "commitment"),
    "fast_track": ("容缺受理", "fast track"),
    "exempt": ("免于备案", "exempt"),
    "standard": ("一般程序", "standard"),
}
ROUTES = {"simplified": "简易程序", "standard": "一般程序"}
FILING_DAYS = 5  # due 5 working days after completion acceptance

STATES = {
    "draft": ("草稿", "draft"),
    "submitted": ("已提交", "submitted"),
    "correction_required": ("待补正", "correction required"),
    "not_accepted": ("不予受理", "not accepted"),
    "filed": ("已备案", "filed"),
    "exempted": ("免于备案", "exempted"),
    "selected": ("已抽中待检查", "selected"),
    "closed": ("未抽中（备案完成）", "closed"),
    "passed": ("检查合格", "passed"),
    "rectifying": ("整改中", "rectifying"),
    "rechecking": ("待复查", "rechecking"),
    "withdrawn": ("已撤回", "withdrawn"),
}
HOLDERS = {
    "draft": "applicant",
    "submitted": "authority",
    "correction_required": "applicant",
    "filed": "authority",
    "selected": "authority",
    "rectifying": "applicant",
    "rechecking": "authority",
}

FIELDS = (
    Field("facility_name", "text", "设施（项目）名称", "facility name", max_length=100),
    Field("credit_code", "credit_code", "建设单位统一社会信用代码", "builder's unified social credit code"),
    Field("site_address", "text", "设施地址", "site address"),
    Field("site_division", "division", "设施所在区县", "site division"),
    Field("facility_type", "choice", "设施类别", "facility type", choices=SERVICE_CATEGORIES),
    Field("special_construction", "bool", "是否属于特殊建设工程", "special construction project"),
    Field("crowded_place", "bool", "是否属于人员密集场所", "crowded place"),
    Field("floor_area_m2", "decimal", "建筑面积（平方米）", "floor area (m²)"),
    Field("total_investment_yuan", "decimal", "总投资（元）", "total investment (yuan)"),
    Field("completion_date", "date", "竣工验收合格日期", "completion acceptance date"),
    Field("builder_name", "text", "建设单位名称", "builder (建设单位)", required=False, max_length=100),
    Field("contact_phone", "text", "联系电话", "contact phone", required=False, max_length=20),
)


def missing_for_route(fields: dict) -> list[str]:
    """The inputs still needed to decide the route: whether it is a special construction project, the
    facility type, and — for a community facility not already small by one measure — area and investment."""
    if fields.get("special_construction"):
        return []  # decided: not this procedure at all
    missing = [name for name in ("special_construction", "facility_type") if fields.get(name) is None]
    if fields.get("facility_type") == "other":
        return missing  # standard whatever its size
    area, money = fields.get("floor_area_m2"), fields.get("total_investment_yuan")
    small = (area is not None and float(area) <= AREA_LIMIT) or (money is not None and float(money) <= INVESTMENT_LIMIT)
    if not small:
        missing += [
            name for name, value in (("floor_area_m2", area), ("total_investment_yuan", money)) if value is None
        ]
    return missing


def route_of(fields: dict) -> str | None:
    """None for a special construction project (消防验收 instead) or while the inputs that decide it are
    missing, else simplified or standard."""
    if fields.get("special_construction") or missing_for_route(fields):
        return None
    community = fields.get("facility_type") not in (None, "other")
    area, money = fields.get("floor_area_m2"), fields.get("total_investment_yuan")
    small = (area is not None and float(area) <= AREA_LIMIT) or (money is not None and float(money) <= INVESTMENT_LIMIT)
    return "simplified" if community and small else "standard"


def derived(fields: dict, world) -> dict:
    route = route_of(fields)
    setting = SETTINGS[0]  # the simplified route's mode, each housing authority's choice
    mode = world.authority_setting(fields.get("site_division"), setting.kind, setting.name, setting.default)
    return {"_route": route, "_mode": mode if route == "simplified" else "standard"}


def _full_set(f: dict) -> bool:
    return f.get("_mode") == "standard"


# the fields the route depends on (route_of): until they are filled in, a route-dependent material is "if applicable"
ROUTE_FIELDS = ("facility_type", "floor_area_m2", "total_investment_yuan", "site_division")
ATTACHMENTS = (
    # the filing form is the filing itself, on every route and mode (an exemption is claimed on it too)
    AttachmentSpec("filing_form", "消防验收备案表", "fire acceptance filing form", multiple=True),
    AttachmentSpec(
        "commitment_letter",
        "承诺书",
        "commitment letter",
        required=False,
        required_when=lambda f: f.get("_mode") in ("promise", "fast_track"),
        condition=Text(
            "适用简易程序、以告知承诺或容缺受理方式办理的（社区服务设施，建筑面积300平方米以下或总投资30万元以下）",
            "on the simplified route under the commitment or fast-track mode (a community "
            "facility of up to 300 m² or ¥300,000)",
        ),
        depends_on=ROUTE_FIELDS,
    ),
    AttachmentSpec(
        "completion_report",
        "竣工验收报告",
        "completion acceptance report",
        required=False,
        required_when=_full_set,
        multiple=True,
        condition=Text(
            "适用一般程序的（建筑面积超过300平方米且总投资超过30万元，或非社区服务设施）",
            "on the standard route (over 300 m² and over ¥300,000, or not a community facility)",
        ),
        depends_on=ROUTE_FIELDS,
    ),
    AttachmentSpec(
        "as_built_drawings",
        "消防相关竣工图纸",
        "fire-related as-built drawings",
        required=False,
        required_when=_full_set,
        multiple=True,
        condition=Text(
            "适用一般程序的（建筑面积超过300平方米且总投资超过30万元，或非社区服务设施）",
            "on the standard route (over 300 m² and over ¥300,000, or not a community facility)",
        ),
        depends_on=ROUTE_FIELDS,
    ),
)
NON_CORE = ("completion_report", "as_built_drawings")


def eligibility(fields: dict, world) -> Eligibility:
    missing = missing_for_route(fields)
    if missing:  # never a route (and its reason) made up from inputs that are not there
        labels = {f.name: f for f in FIELDS}
        return Eligibility(
            False,
            None,
            tuple(
                Reason(
                    "incomplete",
                    f"请填写“{labels[name].zh}”后判断适用程序",
                    f"fill in “{labels[name].en}” to decide the route",
                    name,
                )
                for name in missing
            ),
        )
    route = route_of(fields)
    if route is None:
        return Eligibility(
            False,
            None,
            (
                Reason(
                    "special_construction",
                    "特殊建设工程不适用备案，应向住房和城乡建设主管部门申请消防验收",
                    "a special construction project needs fire acceptance (消防验收), not this filing",
                    "special_construction",
                ),
            ),
        )
    if route == "simplified":
        why = Reason(
            "simplified",
            f"社区服务设施，建筑面积{AREA_LIMIT}平方米以下或总投资30万元以下：适用简易程序",
            f"community facility of ≤ {AREA_LIMIT} m² or ≤ ¥300,000: simplified route",
        )
    elif fields.get("facility_type") == "other":
        why = Reason("standard", "非社区服务设施：适用一般程序", "not a community service facility: standard route")
    else:
        why = Reason(
            "standard",
            "建筑面积超过300平方米且总投资超过30万元：适用一般程序",
            "over 300 m² and over ¥300,000: standard route",
        )
    return Eligibility(True, route, (why,))


def filing_due(fields: dict, world) -> date | None:
    done = fields.get("completion_date")
    return world.add_working_days(date.fromisoformat(done), FILING_DAYS) if done else None


# --- effects -------------------------------------------------------------------------------


def classify(ctx):
    d = ctx.derived()
    due = filing_due(ctx.fields, ctx)
    ctx.app.is_late = bool(due and ctx.today > due)
    outcome = {
        "route": d["_route"],
        "mode": d["_mode"],
        "filing_due": due.isoformat() if due else None,
        "late": ctx.app.is_late,
    }
    if d["_mode"] == "fast_track":
        missing = [k for k in NON_CORE if k not in ctx.attachment_kinds]
        if missing:
            outcome.update(
                supplement_kinds=missing,
                supplement_due=ctx.add_working_days(ctx.today, LIMIT["supplement"]).isoformat(),
            )
    ctx.record(**outcome)


def receipt_extra(ctx) -> dict:
    d = ctx.derived()
    return {
        "route_zh": ROUTES.get(d["_route"], ""),
        "mode_zh": MODES.get(d["_mode"], ("", ""))[0],
        "late": bool(ctx.app.is_late),
    }


def fire_facts(ctx) -> list[tuple[str, str]]:
    f = ctx.fields
    category = category_name(f.get("facility_type"))
    return [
        ("设施名称", f.get("facility_name", "")),
        ("设施地址", figures.place(f.get("site_division"), None, f.get("site_address"))),
        ("设施类别", category),
        ("建筑面积", figures.area(f.get("floor_area_m2"))),
        ("总投资", figures.yuan(f.get("total_investment_yuan"))),
        (
            "竣工验收合格日期",
            ctx.chinese_date(date.fromisoformat(f["completion_date"])) if f.get("completion_date") else "",
        ),
        ("人员密集场所", "是" if f.get("crowded_place") else "否"),
        ("申请编号", ctx.app.number),
    ]


def files_at_once(ctx):
    """The promise route's receipt, issued on the commitment letter at submission."""
    ctx.clear_deadline()
    ctx.issue("filing_receipt", fire_facts(ctx), **receipt_extra(ctx))


def exempts(ctx):
    ctx.clear_deadline()
    ctx.issue("exemption_confirmation", fire_facts(ctx))


def _mode_is(*modes):
    return lambda ctx: ctx.derived()["_mode"] in modes


def on_draw(ctx):
    ctx.app.draw_id = ctx.data["draw_id"]
    if ctx.data["selected"]:
        ctx.app.inspector_id = ctx.data["inspector_id"]
        ctx.set_deadline(ctx.proc.time_limits["inspection"]["days"])
        ctx.notify_applicant(
            "selected", "您的备案项目被抽中，将接受消防检查。", "Your filing was selected for an inspection."
        )
    else:
        ctx.clear_deadline()


def assigned_inspector(ctx):
    if ctx.app.inspector_id != ctx.actor.id:
        return Reason(
            "assigned_inspector",
            "只有抽签指派的检查员可以录入检查结果",
            "only the inspector the draw assigned may record the result",
            status=403,
        )
    return None


def on_inspection(ctx):
    ctx.record(
        inspection={
            "passed": ctx.data["passed"],
            "findings": ctx.data.get("findings", ""),
            "on": ctx.today.isoformat(),
            "inspector": ctx.actor.username,
        }
    )
    if ctx.data["passed"]:
        ctx.clear_deadline()
        ctx.issue("inspection_result", fire_facts(ctx), passed=True, findings=ctx.data.get("findings") or "合格")
    else:
        ctx.clear_deadline()  # now waiting on the applicant to rectify
        recheck = ctx.working_days_due(ctx.proc.time_limits["recheck"]["days"])
        ctx.issue(
            "rectification_notice",
            fire_facts(ctx),
            findings=ctx.data.get("findings") or "",
            recheck_due_cn=ctx.chinese_date(recheck.due),
            recheck_due_provisional=recheck.provisional,
            remedies=common.REMEDIES_ZH,
        )


def draw_category(case) -> str:
    """Late beats crowded beats route: the strictest ratio that applies."""
    if case.is_late:
        return "late"
    if case.fields.get("crowded_place"):
        return "crowded"
    return "standard" if case.route == "standard" else "simplified"


def supplement_due(case):
    due = case.outcome.get("supplement_due")
    return date.fromisoformat(due) if due else None


def supplements_missing(case) -> list[str]:
    return [k for k in case.outcome.get("supplement_kinds", ()) if k not in case.attachment_kinds]


def supplement_items(case) -> dict:
    due = case.outcome["supplement_due"]
    return {"items": [{"field": k, "reason": f"容缺受理的材料未在{due}前补齐"} for k in supplements_missing(case)]}


def supplement_comment(case) -> str:
    return f"容缺材料逾期未补：{', '.join(PROCEDURE.label(k)[0] for k in supplements_missing(case))}"


def present(case) -> dict:
    """What the application object adds: a late filing, the drawn inspector and the draw."""
    return {"is_late": case.is_late, "inspector": case.inspector, "draw_id": case.draw_id}


def findings_when_failed(ctx):
    if ctx.data.get("passed") is False and not ctx.data.get("findings"):
        return Reason(
            "findings", "检查不合格时须写明发现的问题", "a failed inspection must state the findings", "data.findings"
        )
    return None


EVENTS = (
    common.submit_event(
        dest=(
            Branch("exempted", _mode_is("exempt"), effects=(exempts,)),
            Branch("filed", _mode_is("promise"), effects=(files_at_once,)),
            Branch("submitted", lambda ctx: True),
        ),
        effects=(classify,),
        decides=("filed", "exempted"),
    ),
    Event(
        "file",
        ("submitted",),
        "filed",
        ("clerk",),
        "予以备案",
        "File",
        opinion="optional",
        guards=(not_own_application,),
        bulk=True,
        decides=True,
        effects=(
            common.pause_clock,
            issuing("filing_receipt", fire_facts, extra=receipt_extra),
            notifying("filed", "您的消防验收备案已完成，可下载备案凭证。", "Your filing is complete."),
        ),
    ),
    common.request_correction_event(("submitted", "filed"), roles=("clerk", "system")),
    common.resubmit_event(effects=(classify,)),
    Event(
        "not_accept",
        ("submitted",),
        "not_accepted",
        ("clerk",),
        "不予受理",
        "Do not accept",
        opinion="optional",
        schema=REASON_SCHEMA,
        guards=(not_own_application,),
        decides=True,
        effects=(
            record_reason,
            common.pause_clock,
            issuing("non_acceptance_notice", fire_facts, reasons=common.reasons_text, remedies=common.remedies),
        ),
    ),
    common.withdraw_event(("submitted", "correction_required")),
    Event(
        "draw",
        ("filed",),
        (Branch("selected", lambda ctx: ctx.data["selected"]), Branch("closed", lambda ctx: True)),
        ("clerk", "system"),
        "双随机抽查",
        "Spot-check draw",
        internal=True,
        bulk=True,
        schema={
            "selected": DataField("bool"),
            "draw_id": DataField("int"),
            "inspector_id": DataField("int", required=False),
        },
        effects=(on_draw,),
    ),
    Event(
        "record_inspection",
        ("selected", "rechecking"),
        (Branch("passed", lambda ctx: ctx.data["passed"]), Branch("rectifying", lambda ctx: True)),
        ("inspector",),
        "录入检查结果",
        "Record the inspection",
        decides=("passed",),
        schema={
            "passed": DataField("bool", zh="是否合格", en="Did the site pass the inspection?"),
            "findings": DataField("str", required=False, zh="检查发现", en="findings"),
        },
        guards=(assigned_inspector, not_own_application, findings_when_failed),
        effects=(on_inspection,),
    ),
    Event(
        "request_recheck",
        ("rectifying",),
        "rechecking",
        ("applicant",),
        "整改完毕申请复查",
        "Ask for a recheck",
        effects=(common.clock("recheck"),),
    ),
)

TIME_LIMITS: TimeLimits = {
    "intake": {"days": 5, "unit": "working_days", "from": "submit"},
    "decision": {"days": 5, "unit": "working_days", "from": "submit"},
    "filing_due": {
        "days": FILING_DAYS,
        "unit": "working_days",
        "from": "completion_date",
        "basis": "住房和城乡建设部令第51号",
    },
    "supplement": {"days": 5, "unit": "working_days", "from": "submit"},
    "inspection": {"days": 15, "unit": "working_days", "from": "draw"},
    "recheck": {"days": 7, "unit": "working_days", "from": "request_recheck"},
}
LIMIT = {name: limit.get("days") for name, limit in TIME_LIMITS.items()}

DOCUMENTS = (
    common.CORRECTION_NOTICE,
    common.NON_ACCEPTANCE_NOTICE,
    DocumentKind("filing_receipt", "建设工程消防验收备案凭证", "Fire-safety acceptance filing receipt", "消备"),
    DocumentKind(
        "exemption_confirmation", "免于消防验收备案确认书", "Confirmation of exemption from fire-safety filing", "消免"
    ),
    DocumentKind(
        "rectification_notice",
        "责令停止使用、限期整改通知书",
        "Order to stop use and rectify within a time limit",
        "消改",
    ),
    DocumentKind(
        "inspection_result", "消防验收备案抽查结果通知书", "Result of the fire-safety filing spot check", "消查"
    ),
)

# 容缺受理: non-core documents still missing after their 5 working days → a correction request
TIMERS = (
    Timer(
        "supplement",
        ("submitted", "filed"),
        on=supplement_due,
        fire="request_correction",
        when=lambda case: bool(supplements_missing(case)),
        data=supplement_items,
        comment=supplement_comment,
        label="late fast-track supplements",
    ),
)

DRAW = DrawRule(
    "draw",
    "filed",
    title=Text("消防验收备案抽查", "fire-safety filing spot check"),
    category=draw_category,
    who=Text("住房和城乡建设部门的窗口人员", "a housing authority's clerk"),
    categories=(
        DrawCategory("crowded", "人员密集场所", "crowded places", 0.5),
        DrawCategory("standard", "一般程序", "standard route", 0.1),
        DrawCategory("simplified", "简易程序", "simplified route", 0.05),
        DrawCategory("late", "逾期备案", "late filing", 1.0, always=True),
    ),
)

SETTINGS = (AuthoritySetting("fire_mode", "housing", MODES, "promise", "简易程序办理方式", "simplified route mode"),)

# --- demo data (`flask seed-demo`): two small community facilities in 道里区 --------------------------------
_FIRE = {
    "facility_name": "河松小区二期社区托育服务点",
    "credit_code": "91230102MA1C2D3E41",
    "site_address": "河松小区二期6号楼1层",
    "site_division": "230102",
    "facility_type": "childcare",
    "special_construction": False,
    "crowded_place": True,
    "floor_area_m2": 260,
    "total_investment_yuan": 280000,
    "completion_date": "2026-11-20",
}
_KINDS = ("filing_form", "commitment_letter", "completion_report", "as_built_drawings")
DEMO = (
    DemoCase("zhang", _FIRE, _KINDS, (("submit", "zhang", None),)),
    DemoCase(
        "zhang",
        {
            **_FIRE,
            "facility_name": "索菲亚小区社区助餐点",
            "facility_type": "community_catering",
            "crowded_place": False,
            "site_address": "索菲亚小区2号楼门市",
        },
        _KINDS,
        (("submit", "zhang", None),),
    ),
)


# --- its register (DOMAIN §6): the fire filings, in force unless rectifying or ended ------------------------


def fire_entry(src) -> Entry:
    f = src.fields
    return Entry(
        name=f.get("facility_name", ""),
        holder=f.get("builder_name"),
        credit_code=f.get("credit_code"),
        division=f.get("site_division"),
        address=f.get("site_address", ""),
        facts={
            "route": src.route or src.outcome.get("route"),
            "mode": src.outcome.get("mode"),
            "facility_type": f.get("facility_type"),
            "crowded_place": bool(f.get("crowded_place")),
            "floor_area_m2": f.get("floor_area_m2"),
            "completion_date": f.get("completion_date"),
            "late": bool(src.outcome.get("late")),
        },
    )


def filing_in_force(world, address: str, division: str, receipt_number: str | None = None) -> dict | None:
    """The fire filing in force at this address (and, when given, certified by this receipt number)."""
    found = world.register_entries("fire_filings", address_key=address_key(address), division=division, in_force=True)
    return next((e for e in found if receipt_number in (None, e["document_number"])), None)


def receipt_in_force(world, number: str, address: str, division: str) -> bool:
    """The lookup other procedures ask: does `number` name the receipt of a filing in force at this address
    (the same division, the addresses compared normalised)? Read from the register (DOMAIN §6)."""
    return bool(number) and filing_in_force(world, address, division, number) is not None


def inspection_result(data: dict) -> dict:
    """双随机、一公开: the result of an inspection is public, with its findings."""
    return {"inspection_passed": data.get("passed"), "inspection_findings": data.get("findings") or ""}


ROUTE_CHOICES = tuple((k, v, k) for k, v in ROUTES.items())
REGISTER = Register(
    "fire_filings",
    "消防验收备案台账",
    "Register of fire-safety acceptance filings",
    statuses={
        "filed": ("已备案", "filed"),
        "selected": ("已抽中待检查", "selected for inspection"),
        "closed": ("未抽中（备案完成）", "not selected (filing complete)"),
        "passed": ("检查合格", "inspection passed"),
        "rectifying": ("整改中", "rectifying"),
        "correction_required": ("备案材料待补正", "correction required"),
        "not_accepted": ("不予受理", "not accepted"),
        "withdrawn": ("已撤回", "withdrawn"),
    },
    in_force=("filed", "selected", "closed", "passed"),
    entry=fire_entry,
    on={
        ("submit", "filed"): opens("filed"),
        ("file", "filed"): opens("filed"),
        ("draw", "selected"): becomes("selected", due="inspection"),
        ("draw", "closed"): becomes("closed"),
        ("record_inspection", "passed"): becomes("passed", publish=inspection_result),
        ("record_inspection", "rectifying"): becomes("rectifying", publish=inspection_result),
        ("request_recheck", "rechecking"): becomes("rectifying", due="recheck"),
        ("request_correction", "correction_required"): becomes("correction_required"),
        ("not_accept", "not_accepted"): becomes("not_accepted"),
        ("withdraw", "withdrawn"): becomes("withdrawn"),
    },
    facts=(
        Fact("route", "适用程序", "route", choices=ROUTE_CHOICES),
        Fact("mode", "简易程序方式", "simplified mode", choices=tuple((k, *v) for k, v in MODES.items())),
        Fact("facility_type", "设施类别", "facility type", choices=SERVICE_CATEGORIES),
        Fact("crowded_place", "人员密集场所", "crowded place", "boolean"),
        Fact("floor_area_m2", "建筑面积（平方米）", "floor area (m²)", "number"),
        Fact("completion_date", "竣工验收合格日期", "completion acceptance date", "date"),
        Fact("late", "逾期备案", "filed late", "boolean"),
        Fact("inspection_passed", "抽查结果合格", "inspection passed", "boolean"),
        Fact("inspection_findings", "检查发现", "inspection findings"),
    ),
    published=("inspection_passed", "inspection_findings"),
    enterprise={"name": "builder_name", "credit_code": "credit_code"},
    documents=("filing_receipt",),
    dues={"inspection": ("消防检查期限", "inspection due"), "recheck": ("复查期限", "recheck due")},
)

PROCEDURE = Procedure(
    name="fire_filing",
    zh="建设工程消防验收备案（社区服务设施简易程序）",
    en="Fire-safety acceptance filing",
    authority_kind="housing",
    states=STATES,
    initial="draft",
    holders=HOLDERS,
    events=EVENTS,
    fields=FIELDS,
    attachments=ATTACHMENTS,
    time_limits=TIME_LIMITS,
    eligibility=eligibility,
    authority_division=lambda fields: fields.get("site_division"),
    holder=Holder("builder_name", fallback="facility_name", place="site_address", subject="facility_name"),
    routes={"simplified": Text("简化办理", "Simplified procedure"), "standard": Text("一般程序", "Standard procedure")},
    derived=derived,
    # on the simplified route the filing may be made on the applicant's commitment (告知承诺): its content
    route_declarations={
        "simplified": Text(
            "采用告知承诺方式备案的，本申请人并承诺：该设施已竣工验收合格，符合国家工程建设消防技术标准，"
            "如经抽查不合格，立即停止使用并整改。",
            "Where the filing is made on commitment, the applicant also commits that the facility has passed "
            "completion acceptance and meets the national fire-safety technical standards, and that it will stop "
            "using it and rectify at once if a spot check finds otherwise.",
        )
    },
    number_prefix="FF",
    order=3,
    documents=DOCUMENTS,
    timers=TIMERS,
    draw=DRAW,
    present=present,
    provides={"fire_receipt_in_force": receipt_in_force, "fire_filing_in_force": filing_in_force},
    settings=SETTINGS,
    demo=DEMO,
    register=REGISTER,
    guide={
        "basis": [
            Text(
                "《中华人民共和国消防法》第十三条、第五十八条",
                "Fire Protection Law of the People's Republic of China, Articles 13 and 58",
            ),
            Text(
                "《建设工程消防设计审查验收管理暂行规定》（住房和城乡建设部令第51号）",
                "Interim Provisions on the Fire Protection Design Review and Acceptance of Construction "
                "Projects (MOHURD Order No. 51)",
            ),
            Text(
                "《哈尔滨市关于推动生活性服务业补短板上水平提高人民生活品质行动方案（2022—2025年）》：对建筑面积300平方米以下"
                "或总投资30万元以下的社区服务设施，优化办理消防验收备案手续",
                "Harbin Action Plan (2022–2025): a simplified fire-safety acceptance filing for community "
                "service facilities of up to 300 m² or a total investment of up to ¥300,000",
            ),
        ],
        "conditions": [
            Text(
                "不属于特殊建设工程（特殊建设工程应申请消防验收）",
                "not a special construction project (those apply for fire-safety acceptance instead)",
            ),
            Text(
                "社区服务设施且建筑面积300平方米以下或总投资30万元以下的，适用简易程序",
                "community service facilities of up to 300 m² or ¥300,000 follow the simplified procedure",
            ),
            Text(
                "竣工验收合格之日起5个工作日内备案；逾期备案的一律列为抽查对象",
                "file within 5 working days of passing completion acceptance; every late filing "
                "is selected for a spot check",
            ),
        ],
        "where": Text(
            "设施所在区县住房和城乡建设局，或本系统网上办理",
            "the housing and urban-rural development bureau of the facility's county, or online here",
        ),
        "fee": Text("不收费", "free of charge"),
        "remedies": Text(
            "对不予受理备案、抽查不合格责令停止使用等决定不服的，可以自收到决定之日起六十日内申请行政复议，"
            "或者六个月内提起行政诉讼。",
            "Anyone who disagrees with a refusal to accept the filing, or with an order to stop using the site "
            "after a failed inspection, may apply for administrative reconsideration within 60 days of receiving "
            "it, or bring an administrative lawsuit within 6 months.",
        ),
        # public pages of this procedure that the guide links to
        "public_pages": [
            (
                "/draws",
                Text(
                    "“双随机、一公开”抽查结果公示（随机种子公开，可复算）",
                    "published spot-check draws (the seed is public: anyone can recompute)",
                ),
            )
        ],
        "time_limits": [
            Text(
                f"竣工验收合格之日起{LIMIT['filing_due']}个工作日内备案（{TIME_LIMITS['filing_due']['basis']}）",
                f"file within {LIMIT['filing_due']} working days of passing completion acceptance "
                "(Order No. 51 of the Ministry of Housing and Urban-Rural Development)",
            ),
            Text(
                f"提交后{LIMIT['intake']}个工作日内备案或一次性告知补正；告知承诺方式提交即备案",
                "filed, or told at once everything to correct, within "
                f"{LIMIT['intake']} working days of submission; under the commitment route the "
                "filing is made on submission",
            ),
            Text(
                f"容缺受理的，所缺材料应在{LIMIT['supplement']}个工作日内补齐",
                f"under the fast track, the missing documents are due within {LIMIT['supplement']} working days",
            ),
            Text(
                f"被抽中的，{LIMIT['inspection']}个工作日内完成检查；整改后的复查{LIMIT['recheck']}个工作日内完成",
                f"a site drawn for a spot check is inspected within {LIMIT['inspection']} working "
                f"days; a recheck after rectification within {LIMIT['recheck']} working days",
            ),
        ],
    },
)
