"""托育机构备案: a registered childcare institution files with its county's health department, which verifies it and
publishes a non-compliant finding (DOMAIN §4)."""

from __future__ import annotations

from vocabulary import STREET_NAMES
from workflows import common, figures
from workflows.common import issuing, not_own_application, notifying
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
    Timer,
)
from workflows.registers import Entry, Fact, Register, becomes, opens

STATES = {
    "draft": ("草稿", "draft"),
    "submitted": ("已提交", "submitted"),
    "correction_required": ("待补正", "correction required"),
    "filed": ("已备案", "filed"),
    "verified": ("核查符合要求", "verified"),
    "explanation_required": ("待说明情况", "explanation required"),
    "explanation_submitted": ("已说明情况", "explanation submitted"),
    "noncompliant": ("经核查不符合要求", "non-compliant"),
    "withdrawn": ("已撤回", "withdrawn"),
    "cancelled": ("已注销备案", "cancelled"),
}
HOLDERS: dict[str, str | None] = {
    "draft": "applicant",
    "submitted": "authority",
    "correction_required": "applicant",
    "filed": "authority",  # the verification is due
    "explanation_required": "applicant",
    "explanation_submitted": "authority",
}

REGISTRATION_KINDS = (
    ("enterprise", "企业（市场监督管理部门登记）", "enterprise (market regulation)"),
    ("social_organisation", "社会服务机构（民政部门登记）", "social service organisation (civil affairs)"),
    ("public_institution", "事业单位（机构编制部门登记）", "public institution (establishment office)"),
)
CARE_TYPES = (
    ("full_day", "全日托", "full day"),
    ("half_day", "半日托", "half day"),
    ("hourly", "计时托", "hourly"),
    ("occasional", "临时托", "occasional"),
)
AGE_GROUPS = (
    ("infant", "乳儿班（6—12个月）", "infant class (6–12 months)"),
    ("toddler", "托小班（12—24个月）", "toddler class (12–24 months)"),
    ("older", "托大班（24—36个月）", "older class (24–36 months)"),
    ("mixed", "混合编班（18个月以上）", "mixed class (18 months and over)"),
)
# 托育机构设置标准（试行）: the most children a class may have, and children per caregiver at least one caregiver
# for ("以下/以上" include the number, DOMAIN §0); a mixed class at its youngest group's ratio [design: 1:5]
CLASS_RULES = {"infant": (10, 3), "toddler": (15, 5), "older": (20, 7), "mixed": (18, 5)}
SHORT = {"infant": "乳儿班", "toddler": "托小班", "older": "托大班", "mixed": "混合班"}
SCOPE_WORD = "托育"


def _title(choices, value) -> str:
    return next((zh for v, zh, _en in choices if v == value), value or "")


CLASSES = Field(
    "classes",
    "group",
    "班级设置",
    "classes",
    columns=(
        Field("age_group", "choice", "班型", "age group", choices=AGE_GROUPS),
        Field("children", "int", "婴幼儿人数", "children", minimum=1),
        Field("caregivers", "int", "保育人员人数", "caregivers"),
    ),
    max_rows=30,
    help=Text(
        "乳儿班10人以下、保育人员与婴幼儿之比不低于1:3；托小班15人以下、1:5；托大班20人以下、1:7；混合编班18人以下、1:5",
        "infant class up to 10 children, at least 1 caregiver per 3; toddler up to 15, 1:5; older up to 20, 1:7; "
        "mixed up to 18, 1:5",
    ),
)
FIELDS = (
    Field("institution_name", "text", "托育机构名称", "institution name", max_length=100),
    Field("credit_code", "credit_code", "统一社会信用代码", "unified social credit code"),
    Field("registration_kind", "choice", "登记类型", "registration kind", choices=REGISTRATION_KINDS),
    Field(
        "registered_scope",
        "textarea",
        "登记的业务（经营）范围",
        "registered scope",
        max_length=2000,
        help=Text("应当注明“托育服务”", "must name childcare services (托育服务)"),
    ),
    Field(
        "address", "text", "机构地址", "address", help=Text("路、门牌号、楼栋、房间号", "road, number, building, room")
    ),
    Field("division", "division", "所在区县", "division"),
    Field(
        "street",
        "text",
        "所在街道",
        "street office",
        max_length=40,
        help=Text("街道办事处名称或统计用区划代码", "the street office's name or its statistical division code"),
        suggestions=STREET_NAMES,
    ),
    Field("care_types", "multichoice", "托育服务类型", "care types", choices=CARE_TYPES),
    Field("places", "int", "托位数", "places", minimum=1),
    Field("floor_area_m2", "decimal", "建筑面积（平方米）", "floor area (m²)"),
    CLASSES,
    Field("legal_representative", "text", "法定代表人（负责人）", "legal representative", max_length=40),
    Field("contact_phone", "text", "联系电话", "contact phone", max_length=20),
    Field(
        "fire_receipt_number",
        "text",
        "消防验收备案凭证编号",
        "fire-safety filing receipt number",
        required=False,
        max_length=64,
        help=Text(
            "本系统出具、在本机构地址有效的建设工程消防验收备案凭证编号；填写后无需上传消防安全证明",
            "the number of this system's fire-safety filing receipt in force at this address: then no fire-safety "
            "proof needs uploading",
        ),
    ),
)


def derived(fields: dict, world) -> dict:
    """Whether the fire-safety proof is a receipt of this system in force at the same address (DOMAIN §6)."""
    number = (fields.get("fire_receipt_number") or "").strip()
    ok = bool(number) and world.lookup("fire_receipt_in_force", number, fields.get("address"), fields.get("division"))
    return {"_fire_receipt_ok": bool(ok)}


ATTACHMENTS = (
    AttachmentSpec("commitment_letter", "备案承诺书", "commitment letter"),
    AttachmentSpec(
        "registration_certificate",
        "营业执照或登记证书",
        "business licence or registration certificate",
    ),
    AttachmentSpec(
        "premises_proof",
        "场地证明（产权证明或租赁合同）",
        "premises proof (property certificate or lease)",
        multiple=True,
    ),
    AttachmentSpec(
        "staff_certificates",
        "工作人员资格证书及健康合格证明",
        "staff qualification and health certificates",
        multiple=True,
    ),
    AttachmentSpec(
        "health_evaluation",
        "托育机构卫生评价报告（结论为合格）",
        "childcare health evaluation report (rated 合格)",
    ),
    AttachmentSpec(
        "fire_safety_proof",
        "消防安全证明",
        "fire-safety proof",
        required=False,
        required_when=lambda f: not f.get("_fire_receipt_ok"),
        condition=Text(
            "未填写本系统出具、在本机构地址有效的消防验收备案凭证编号的",
            "unless the number of this system's fire-safety filing receipt in force at this address is given",
        ),
        multiple=True,
    ),
    AttachmentSpec(
        "explanation_materials",
        "情况说明材料",
        "materials supporting the explanation",
        required=False,
        condition=Text(
            "收到情况说明通知书后，可随情况说明提交",
            "optional, with the explanation after a notice to explain",
        ),
        multiple=True,
    ),
)
EXPLANATION_KINDS = ["explanation_materials"]  # what may still be uploaded while the explanation is due


def class_reasons(classes) -> list[Reason]:
    """Each class against 托育机构设置标准（试行）: its size, then its caregivers (naming classes[i].…)."""
    reasons = []
    for i, row in enumerate(classes or ()):
        rule = CLASS_RULES.get(str((row or {}).get("age_group")))
        children, caregivers = (row or {}).get("children"), (row or {}).get("caregivers")
        if rule is None or children is None:
            continue
        most, per = rule
        name_zh, name_en = SHORT[row["age_group"]], row["age_group"]
        if children > most:
            reasons.append(
                Reason(
                    "class_size",
                    f"第{i + 1}个班级（{name_zh}）婴幼儿{children}人，超过{most}人的上限",
                    f"class {i + 1} ({name_en}) has {children} children, over the limit of {most}",
                    f"classes[{i}].children",
                )
            )
        if caregivers is not None and children > caregivers * per:
            reasons.append(
                Reason(
                    "caregiver_ratio",
                    f"第{i + 1}个班级（{name_zh}）保育人员与婴幼儿之比低于1:{per}"
                    f"（{children}名婴幼儿至少需要{-(-children // per)}名保育人员）",
                    f"class {i + 1} ({name_en}): fewer than 1 caregiver per {per} children "
                    f"({children} children need at least {-(-children // per)})",
                    f"classes[{i}].caregivers",
                )
            )
    return reasons


def eligibility(fields: dict, world) -> Eligibility:
    """托育 in the registered scope; every class within its size and ratio; no more children than places."""
    reasons = []
    if SCOPE_WORD not in (fields.get("registered_scope") or ""):
        reasons.append(
            Reason(
                "scope_names_childcare",
                "登记的业务（经营）范围应当注明“托育服务”：请先办理登记（变更）",
                "the registered scope must name childcare services (托育服务): register it first",
                "registered_scope",
            )
        )
    classes = fields.get("classes") or ()
    reasons += class_reasons(classes)
    total = sum((row or {}).get("children") or 0 for row in classes)
    places = fields.get("places")
    if places is not None and total > places:
        reasons.append(
            Reason(
                "places",
                f"各班级婴幼儿合计{total}人，超过托位数{places}个",
                f"the classes hold {total} children, more than the {places} places",
                "places",
            )
        )
    return Eligibility(not reasons, None if reasons else "filing", tuple(reasons))


# --- documents ------------------------------------------------------------------------------------


def classes_text(classes) -> str:
    """乳儿班1个（婴幼儿8人，保育人员3人）；托小班…: as the receipt prints the classes."""
    parts = [
        f"{SHORT.get(row.get('age_group'), '')}（婴幼儿{row.get('children', '')}人，保育人员{row.get('caregivers', '')}人）"
        for row in classes or ()
    ]
    return "；".join(parts)


def childcare_facts(ctx) -> list[tuple[str, str]]:
    f = ctx.fields
    fire = (
        f"消防验收备案凭证 {f['fire_receipt_number']}"
        if ctx.derived().get("_fire_receipt_ok")
        else "已提交消防安全证明材料"
    )
    return [
        ("托育机构名称", f.get("institution_name", "")),
        ("统一社会信用代码", f.get("credit_code", "")),
        ("登记类型", _title(REGISTRATION_KINDS, f.get("registration_kind")).split("（")[0]),
        ("机构地址", figures.place(f.get("division"), f.get("street"), f.get("address"))),
        ("托育服务类型", "、".join(_title(CARE_TYPES, c) for c in f.get("care_types") or ())),
        ("托位数", f"{f.get('places', '')}个"),
        ("建筑面积", figures.area(f.get("floor_area_m2"))),
        ("班级设置", classes_text(f.get("classes"))),
        ("法定代表人（负责人）", f.get("legal_representative", "")),
        ("消防安全", fire),
        ("申请编号", ctx.app.number),
    ]


def short_facts(ctx) -> list[tuple[str, str]]:
    """The institution as a notice names it."""
    return [
        row for row in childcare_facts(ctx) if row[0] in ("托育机构名称", "统一社会信用代码", "机构地址", "申请编号")
    ]


def findings_required(ctx):
    if ctx.data.get("compliant") is False and not ctx.data.get("findings"):
        return Reason(
            "findings",
            "核查不符合要求时须写明发现的问题",
            "a non-compliant verification must state the findings",
            "data.findings",
        )
    return None


def compliant(ctx) -> bool:
    return ctx.data["compliant"]


def record_finding(ctx):
    ctx.record(
        verification={
            "compliant": ctx.data["compliant"],
            "findings": ctx.data.get("findings") or "",
            "on": ctx.today.isoformat(),
            "by": ctx.actor.username,
        }
    )


def ask_for_explanation(ctx):
    """The 10 working days to explain, and the explanation's materials may be uploaded until then."""
    ctx.set_deadline(ctx.proc.time_limits["explanation"]["days"])
    ctx.record(supplement_kinds=EXPLANATION_KINDS)
    ctx.issue(
        "explanation_notice",
        short_facts(ctx),
        findings=ctx.data["findings"],
        **ctx.deadline_for_document(),
    )
    ctx.notify_applicant(
        "explain",
        f"经核查，您的托育机构存在不符合要求的情况，请于{ctx.app.deadline_due.isoformat()}前说明情况。",
        f"The verification found problems: explain by {ctx.app.deadline_due.isoformat()}.",
    )


def record_explanation(ctx):
    ctx.record(explanation=ctx.data["explanation"], explained_on=ctx.today.isoformat(), supplement_kinds=[])
    ctx.set_document_status("explanation_notice", "superseded", "已说明情况 explanation submitted")


def conclude_noncompliant(ctx):
    ctx.clear_deadline()
    ctx.issue(
        "noncompliance_notice",
        short_facts(ctx),
        findings=ctx.data["findings"],
        explanation=ctx.app.outcome.get("explanation", ""),
        remedies=common.REMEDIES_ZH,
    )
    ctx.notify_applicant(
        "noncompliant",
        "经核查，您的托育机构不符合要求，核查结论将依法向社会公开。",
        "The institution was found non-compliant; the finding is made public.",
    )


def cancel_filing(ctx):
    ctx.clear_deadline()
    ctx.record(cancelled_on=ctx.today.isoformat(), supplement_kinds=[])
    ctx.set_document_status("childcare_receipt", "cancelled", "已注销备案 filing cancelled")


RECEIPT = issuing("childcare_receipt", childcare_facts)
VERIFICATION_SCHEMA = {
    "compliant": DataField("bool", zh="是否符合要求", en="compliant"),
    "findings": DataField("str", required=False, zh="核查发现", en="findings"),
}

EVENTS = (
    common.submit_event(),
    Event(
        "file",
        ("submitted",),
        "filed",
        ("clerk",),
        "予以备案",
        "File",
        guards=(not_own_application,),
        bulk=True,
        decides=True,
        opinion="optional",
        effects=(
            common.pause_clock,
            common.clock("verification"),
            RECEIPT,
            notifying("filed", "您的托育机构已备案，可下载托育机构备案回执。", "Your institution is filed."),
        ),
    ),
    common.request_correction_event(("submitted",)),
    common.resubmit_event(),
    common.withdraw_event(("submitted", "correction_required")),
    Event(
        "record_verification",
        ("filed",),
        (
            Branch("verified", compliant, effects=(common.pause_clock,)),
            Branch("explanation_required", lambda ctx: True, effects=(ask_for_explanation,)),
        ),
        ("clerk", "inspector"),
        "录入核查结果",
        "Record the verification",
        schema=VERIFICATION_SCHEMA,
        guards=(not_own_application, findings_required),
        effects=(record_finding,),
    ),
    Event(
        "explain",
        ("explanation_required",),
        "explanation_submitted",
        ("applicant",),
        "提交情况说明",
        "Submit the explanation",
        schema={"explanation": DataField("str", zh="情况说明", en="explanation")},
        effects=(record_explanation, common.clock("conclusion")),
    ),
    Event(
        "conclude",
        ("explanation_submitted",),
        (
            Branch("verified", compliant, effects=(common.pause_clock,)),
            Branch("noncompliant", lambda ctx: True, effects=(conclude_noncompliant,)),
        ),
        ("clerk",),
        "作出核查结论",
        "Conclude the verification",
        opinion="optional",
        schema=VERIFICATION_SCHEMA,
        guards=(not_own_application, findings_required),
        effects=(record_finding,),
    ),
    common.amend_event(
        ("filed", "verified", "noncompliant"),
        ("places", "care_types", "classes", "contact_phone"),
        effects=(RECEIPT,),
        zh="备案事项变更",
        en="Amend the filing",
    ),
    Event(
        "cancel",
        ("filed", "verified", "explanation_required", "explanation_submitted", "noncompliant"),
        "cancelled",
        ("applicant",),
        "注销备案",
        "Cancel the filing",
        effects=(cancel_filing,),
    ),
)

BASIS = "《托育机构登记和备案办法（试行）》"
TIME_LIMITS = {
    "decision": {"days": 5, "unit": "working_days", "from": "submit", "basis": BASIS},
    "verification": {"days": 15, "unit": "working_days", "from": "file", "basis": BASIS},
    "explanation": {"days": 10, "unit": "working_days", "from": "record_verification"},  # [cfg]
    "conclusion": {"days": 10, "unit": "working_days", "from": "explain"},  # [design]
}
LIMIT = {name: limit["days"] for name, limit in TIME_LIMITS.items()}


def explanation_reminder(case, on, days_left: int) -> tuple[str, str]:
    return (
        f"{case.number} 请于{on.year}年{on.month}月{on.day}日前提交情况说明（还有{days_left}天）",
        f"{case.number}: submit the explanation by {on.isoformat()} ({days_left} days left)",
    )


TIMERS = (
    Timer(
        "explanation_reminder",
        ("explanation_required",),
        on=common.deadline,
        remind=(1,),
        message=explanation_reminder,
        notify=("applicant",),
        notice_kind="explain",
        label="explanation reminders",
    ),
)

# snapshots for the staff's preview page (pdf/samples.py falls back to them)
_SAMPLE = {
    "authority_name": "哈尔滨市道里区卫生健康局",
    "holder_name": "哈尔滨市道里区小星星托育服务有限公司",
    "holder_code": "91230102MA1E7TY0X3",
    "application_number": "CF2026000008",
}
_SAMPLE_FACTS = [
    {"label": "托育机构名称", "value": "哈尔滨市道里区小星星托育服务有限公司"},
    {"label": "统一社会信用代码", "value": "91230102MA1E7TY0X3"},
    {"label": "机构地址", "value": "道里区群力街道群力第五大道1688号2号楼1层"},
    {"label": "申请编号", "value": "CF2026000008"},
]
_SAMPLE_FINDINGS = "托小班实有婴幼儿14人、保育人员2人，保育人员与婴幼儿之比低于1:5；1名保育人员健康合格证明已过期"
DOCUMENTS = (
    common.CORRECTION_NOTICE,
    DocumentKind(
        "childcare_receipt",
        "托育机构备案回执",
        "Childcare institution filing receipt",
        "托备",
        sample={
            **_SAMPLE,
            "number": "哈道卫健托备字〔2026〕8号",
            "facts": [
                *_SAMPLE_FACTS[:3],
                {"label": "托育服务类型", "value": "全日托、计时托"},
                {"label": "托位数", "value": "40个"},
                {"label": "班级设置", "value": "乳儿班（婴幼儿8人，保育人员3人）；托小班（婴幼儿12人，保育人员3人）"},
                {"label": "消防安全", "value": "消防验收备案凭证 哈道住建消备字〔2026〕3号"},
                _SAMPLE_FACTS[3],
            ],
        },
    ),
    DocumentKind(
        "explanation_notice",
        "情况说明通知书",
        "Notice to explain",
        "托说",
        sample={
            **_SAMPLE,
            "number": "哈道卫健托说字〔2026〕2号",
            "facts": _SAMPLE_FACTS,
            "findings": _SAMPLE_FINDINGS,
            "deadline_cn": "二〇二六年十二月二十一日",
            "deadline_provisional": False,
        },
    ),
    DocumentKind(
        "noncompliance_notice",
        "托育机构核查不符合要求告知书",
        "Notice of a non-compliant verification",
        "托核",
        sample={
            **_SAMPLE,
            "number": "哈道卫健托核字〔2026〕1号",
            "facts": _SAMPLE_FACTS,
            "findings": _SAMPLE_FINDINGS,
            "explanation": "已新聘1名持证保育人员，健康合格证明正在办理",
            "remedies": common.REMEDIES_ZH,
        },
    ),
)


def present(case) -> dict:
    """What the application object adds: the children in all classes, the verification and the explanation."""
    classes = case.fields.get("classes") or ()
    return {
        "children_total": sum(row.get("children") or 0 for row in classes),
        "verification": case.outcome.get("verification"),
        "explanation": case.outcome.get("explanation"),
    }


# --- its register (DOMAIN §6): the institutions filed, a non-compliant finding published -----------------------


def institution(src) -> Entry:
    f = src.fields
    return Entry(
        name=f.get("institution_name", ""),
        holder=f.get("institution_name"),
        credit_code=f.get("credit_code"),
        division=f.get("division"),
        street=f.get("street"),
        address=f.get("address", ""),
        facts={
            "places": f.get("places"),
            "care_types": list(f.get("care_types") or ()),
            "registration_kind": f.get("registration_kind"),
        },
    )


def finding(data: dict) -> dict:
    return {"finding": data.get("findings") or None}


def childcare_in_force(world, credit_code: str) -> list[dict]:
    """The institution's filings in force (filed, verified, or non-compliant but not cancelled), from the register."""
    return world.register_entries("childcare", credit_code=credit_code, in_force=True)


REGISTER = Register(
    "childcare",
    "托育机构备案台账",
    "Register of childcare institutions",
    statuses={
        "filed": ("已备案", "filed"),
        "verified": ("已核查", "verified"),
        "noncompliant": ("经核查不符合要求", "non-compliant"),
        "cancelled": ("已注销备案", "cancelled"),
    },
    in_force=("filed", "verified", "noncompliant"),
    entry=institution,
    on={
        ("file", "filed"): opens("filed", due="verification"),
        ("record_verification", "verified"): becomes("verified"),
        ("record_verification", "explanation_required"): becomes("filed", due="explanation"),
        ("explain", "explanation_submitted"): becomes("filed", due="conclusion"),
        ("conclude", "verified"): becomes("verified"),
        ("conclude", "noncompliant"): becomes("noncompliant", publish=finding),
        **{("amend", state): becomes(None) for state in ("filed", "verified", "noncompliant")},
        ("cancel", "cancelled"): becomes("cancelled"),
    },
    facts=(
        Fact("places", "托位数", "places", "integer"),
        Fact("care_types", "托育服务类型", "care types", "array", choices=CARE_TYPES),
        Fact("registration_kind", "登记类型", "registration kind", choices=REGISTRATION_KINDS),
        Fact("finding", "核查结论（依法公开）", "published finding"),
    ),
    published=("finding",),
    enterprise={"name": "institution_name", "credit_code": "credit_code", "registered_scope": "registered_scope"},
    documents=("childcare_receipt",),
    dues={
        "verification": ("核查期限", "verification due"),
        "explanation": ("情况说明期限", "explanation due"),
        "conclusion": ("核查结论期限", "conclusion due"),
    },
)

# --- demo data (`flask seed-demo`): childcare institutions of 道里区 and the health bureau's staff -----------------
_CHILDCARE = {
    "institution_name": "哈尔滨市道里区小星星托育服务有限公司",
    "credit_code": "91230102MA1E7TY0X3",
    "registration_kind": "enterprise",
    "registered_scope": "托育服务；婴幼儿早期发展咨询",
    "address": "群力第五大道1688号2号楼1层",
    "division": "230102",
    "street": "230102019",
    "care_types": ["full_day", "hourly"],
    "places": 40,
    "floor_area_m2": 420,
    "classes": [
        {"age_group": "infant", "children": 8, "caregivers": 3},
        {"age_group": "toddler", "children": 12, "caregivers": 3},
        {"age_group": "older", "children": 18, "caregivers": 3},
    ],
    "legal_representative": "王丽华",
    "contact_phone": "0451-84610000",
}
_KINDS = (
    "commitment_letter",
    "registration_certificate",
    "premises_proof",
    "staff_certificates",
    "health_evaluation",
    ("fire_safety_proof", "消防安全检查合格证明.pdf"),
)
_CLERK, _INSPECTOR = "health_clerk_daoli", "health_inspector_daoli"
_NONCOMPLIANT = {"compliant": False, "findings": "托小班保育人员2名持证过期，实际保育人员与婴幼儿比例低于1:5"}
DEMO = (
    DemoCase("zhang", _CHILDCARE, _KINDS, (("submit", "zhang", None),)),
    DemoCase(
        "zhang",
        {**_CHILDCARE, "address": "群力第五大道1688号5号楼1层", "places": 45},
        _KINDS,
        (("submit", "zhang", None), ("file", _CLERK, None)),
    ),
    DemoCase(
        "li",
        {
            **_CHILDCARE,
            "institution_name": "哈尔滨市道里区康安社区托育中心",
            "credit_code": "52230102MA1G5H6J7Y",
            "registration_kind": "social_organisation",
            "registered_scope": "普惠托育服务",
            "address": "康安路18号",
            "street": "230102017",
            "care_types": ["full_day", "half_day"],
        },
        _KINDS,
        (
            ("submit", "li", None),
            ("file", _CLERK, None),
            ("record_verification", _INSPECTOR, _NONCOMPLIANT),
            ("explain", "li", {"explanation": "已新聘两名持证保育人员，证书见附件"}),
            ("conclude", _CLERK, {"compliant": False, "findings": "新聘保育人员尚未取得健康合格证明，比例仍不达标"}),
        ),
    ),
)
DEMO_STAFF = (
    (_CLERK, "clerk", "230102:health", "林晓燕（道里区卫生健康局窗口）"),
    (_INSPECTOR, "inspector", "230102:health", "高峰（道里区卫生健康局托育核查员）"),
)

PROCEDURE = Procedure(
    name="childcare_filing",
    zh="托育机构备案",
    en="Childcare institution filing",
    authority_kind="health",
    states=STATES,
    initial="draft",
    holders=HOLDERS,
    events=EVENTS,
    fields=FIELDS,
    attachments=ATTACHMENTS,
    time_limits=TIME_LIMITS,
    eligibility=eligibility,
    authority_division=lambda fields: fields.get("division"),
    holder=Holder("institution_name", place="address"),
    routes={"filing": Text("托育机构备案", "Childcare institution filing")},
    derived=derived,
    number_prefix="CF",
    order=4,
    documents=DOCUMENTS,
    timers=TIMERS,
    present=present,
    provides={"childcare_in_force": childcare_in_force},
    demo=DEMO,
    demo_staff=DEMO_STAFF,
    register=REGISTER,
    guide={
        "basis": [
            Text(
                "《托育机构登记和备案办法（试行）》（国卫人口发〔2019〕25号）",
                "Measures for the Registration and Filing of Childcare Institutions (Trial) (2019)",
            ),
            Text(
                "《托育机构设置标准（试行）》（国卫人口发〔2019〕58号）",
                "Standards for Setting Up Childcare Institutions (Trial) (2019)",
            ),
            Text(
                "《哈尔滨市关于推动生活性服务业补短板上水平提高人民生活品质行动方案（2022—2025年）》第（一）项",
                "Harbin Action Plan for Improving Life-Service Industries and People's Quality of Life "
                "(2022–2025), item (1)",
            ),
        ],
        "conditions": [
            Text(
                "已依法登记（企业、社会服务机构或事业单位），登记的业务范围注明“托育服务”",
                "registered (enterprise, social service organisation or public institution) with childcare "
                "services (托育服务) in its scope",
            ),
            Text(
                "乳儿班（6—12个月）10人以下，保育人员与婴幼儿之比不低于1:3",
                "infant classes (6–12 months): up to 10 children, at least 1 caregiver per 3",
            ),
            Text(
                "托小班（12—24个月）15人以下，不低于1:5；托大班（24—36个月）20人以下，不低于1:7",
                "toddler classes (12–24 months): up to 15, 1:5; older classes (24–36 months): up to 20, 1:7",
            ),
            Text(
                "18个月以上可混合编班，每班18人以下，不低于1:5；各班婴幼儿合计不超过托位数",
                "mixed classes from 18 months: up to 18, 1:5; no more children in all classes than places",
            ),
            Text(
                "消防安全证明可以本系统出具、在本机构地址有效的消防验收备案凭证编号代替",
                "the fire-safety proof may be replaced by the number of this system's fire-safety filing "
                "receipt in force at the same address",
            ),
        ],
        "where": Text(
            "机构所在区县卫生健康局，或本系统网上办理",
            "the health commission of the institution's county, or online here",
        ),
        "fee": Text("不收费", "free of charge"),
        "time_limits": [
            Text(
                f"收到齐全材料后{LIMIT['decision']}个工作日内备案或一次性告知补正（{BASIS}）",
                f"filed, or told at once everything to correct, within {LIMIT['decision']} working days of "
                "receiving the materials",
            ),
            Text(
                f"备案后{LIMIT['verification']}个工作日内完成核查；不符合要求的，书面通知机构说明情况",
                f"verified within {LIMIT['verification']} working days of filing; where it is found non-compliant, "
                "the institution is told in writing to explain",
            ),
            Text(
                f"机构应在{LIMIT['explanation']}个工作日内说明情况；本机关收到说明后{LIMIT['conclusion']}个工作日内"
                "作出核查结论，不符合要求的向社会公开",
                f"the institution explains within {LIMIT['explanation']} working days; the conclusion follows "
                f"within {LIMIT['conclusion']} working days of the explanation, a non-compliant one made public",
            ),
        ],
    },
)
