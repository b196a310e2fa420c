"""Guards, effects, events and documents that every procedure shares (submit, correction, reasons, withdrawal)."""

from __future__ import annotations

from datetime import date

from workflows import corrections
from workflows.definition import SAME, DataField, DocumentKind, Event, Reason, Text
from workflows.values import missing_required

REMEDIES_ZH = "如不服本决定，可以自收到本决定之日起六十日内依法申请行政复议，或者在六个月内依法向人民法院提起行政诉讼。"
# the service guide's 救济途径 for a procedure that declares none of its own (guide["remedies"])
REMEDIES = Text(
    "对本事项作出的决定不服的，可以自收到决定之日起六十日内申请行政复议，或者六个月内提起行政诉讼。",
    "Anyone who disagrees with a decision on this matter may apply for administrative reconsideration within "
    "60 days of receiving it, or bring an administrative lawsuit within 6 months.",
)

# the 承诺 submitting makes (DOMAIN §0) for a procedure that declares none of its own (Procedure.declaration)
DECLARATION = Text(
    "本申请人承诺：所填报的信息和提交的材料真实、准确、完整、有效，与原件一致；如有虚假，愿意承担相应的法律责任，"
    "并接受依法撤销、公示等处理。",
    "The applicant declares that the information given and the materials submitted are true, accurate, complete "
    "and valid and match the originals, and accepts the legal consequences of any falsehood, including revocation "
    "and publication.",
)

REASON_SCHEMA = {"reason": DataField("str", zh="理由", en="reason")}
ITEMS_SCHEMA = {"items": DataField("items", zh="补正事项", en="correction items")}

# documents more than one procedure issues (each procedure lists the ones it issues in its `documents`)
CORRECTION_NOTICE = DocumentKind("correction_notice", "补正通知书", "Notice to correct the application", "补")
NON_ACCEPTANCE_NOTICE = DocumentKind("non_acceptance_notice", "不予受理通知书", "Notice of non-acceptance", "不受")


# --- guards: each returns None, a Reason, or a list of Reasons -----------------------------


def required_complete(ctx):
    return missing_required(ctx.proc, {**ctx.fields, **ctx.derived()}, ctx.attachment_kinds)


def eligible(ctx):
    result = ctx.eligibility()
    return [] if result.eligible else list(result.reasons)


def not_own_application(ctx):
    if ctx.actor.id == ctx.app.applicant_id:
        return Reason(
            "own_application",
            "不得办理本人提交的申请",
            "nobody may decide on an application they submitted",
            status=403,
        )  # a permission, not a data error: 403, and never offered in available_events
    return None


# --- effects -------------------------------------------------------------------------------


def start_decision_clock(ctx):
    """Submission starts the intake limit where the procedure has one, else the decision limit."""
    ctx.submitted()
    limits = ctx.proc.time_limits
    ctx.set_deadline((limits.get("intake") or limits["decision"])["days"])


def declaration(proc, route: str | None) -> Text:
    """What the applicant declares by submitting: the procedure's 承诺 (or the common one), and on a route that
    declares one (a promise route) the commitment's content."""
    base = proc.declaration or DECLARATION
    extra = proc.route_declarations.get(route or "")
    return Text(f"{base.zh}{extra.zh}", f"{base.en} {extra.en}") if extra else base


def declared(ctx):
    """Submitting is the applicant's declaration: its text goes into the audit entry (data.declaration)."""
    text = declaration(ctx.proc, ctx.app.route)
    ctx.changes["declaration"] = text.zh
    ctx.changes["declaration_en"] = text.en


def clock(limit: str):
    """An effect that starts the application's deadline: the procedure's time limit `limit` in working days
    from the event's date (e.g. clock("verification"): 15 working days to verify from filing)."""

    def effect(ctx):
        ctx.set_deadline(ctx.proc.time_limits[limit]["days"])

    effect.__name__ = f"clock_{limit}"
    return effect


def deadline(case) -> date | None:
    """A timer's date: the application's deadline (Timer(on=common.deadline))."""
    return case.deadline_due


def pause_clock(ctx):
    """Time waiting on the applicant does not count against the authority."""
    ctx.clear_deadline()


def correction_answered(ctx):
    """The correction notice has been answered: it stays on record, superseded by the resubmission."""
    ctx.set_document_status("correction_notice", "superseded", "已补正并重新提交 corrected and resubmitted")


def record_reason(ctx):
    ctx.record(reason=ctx.data["reason"])


def decided(ctx):
    """Record the date the application ended without a decision (a withdrawal): decisions are declared
    (Event.decides) and dated by the engine."""
    ctx.decide()


correction_list = corrections.note_items


def issuing(kind: str, facts=None, by: str | None = None, **extra_builders):
    """An effect that issues document `kind` (by the authority kind `by`, default the handling one).

    `facts(ctx)` gives its table rows; each extra builder gives one snapshot key, or a dict of keys.
    """

    def effect(ctx):
        extra: dict[str, object] = {}
        for key, build in extra_builders.items():
            value = build(ctx)
            extra.update(value if isinstance(value, dict) else {key: value})
        ctx.issue(kind, facts(ctx) if facts else ctx.default_facts(), by=by, **extra)

    effect.__name__ = f"issue_{kind}"
    return effect


def correction_items_for_document(ctx):
    return [{"label": ctx.proc.label(i["field"])[0], "reason": i["reason"]} for i in ctx.data["items"]]


def remedies(ctx):
    return REMEDIES_ZH


def reasons_text(ctx):
    return ctx.data["reason"]


def notifying(kind: str, zh: str, en: str):
    def effect(ctx):
        ctx.notify_applicant(kind, zh, en)

    effect.__name__ = f"notify_{kind}"
    return effect


# --- events every procedure has ------------------------------------------------------------


def submit_event(dest="submitted", effects=(), decides: bool | tuple[str, ...] = False) -> Event:
    return Event(
        "submit",
        ("draft",),
        dest,
        ("applicant",),
        "提交申请",
        "Submit",
        decides=decides,
        declares=True,
        guards=(required_complete, eligible),
        effects=(start_decision_clock, declared, *effects),
    )


ANSWERS_SCHEMA = {
    "answers": DataField("answers", required=False, zh="补正事项的书面说明", en="explanations of correction items")
}


def resubmit_event(effects=()) -> Event:
    return Event(
        "resubmit",
        ("correction_required",),
        "submitted",
        ("applicant",),
        "补正后重新提交",
        "Resubmit after correction",
        schema=ANSWERS_SCHEMA,
        declares=True,
        guards=(required_complete, eligible, corrections.all_answered),
        effects=(start_decision_clock, declared, corrections.record_answers, correction_answered, *effects),
    )


def request_correction_event(sources, correction_kind="correction_notice", roles=("clerk",)) -> Event:
    return Event(
        "request_correction",
        tuple(sources),
        "correction_required",
        tuple(roles),
        "一次性告知补正",
        "Request correction (one-time notice)",
        schema=ITEMS_SCHEMA,
        guards=(not_own_application, corrections.only_open_items),
        effects=(
            correction_list,
            pause_clock,
            issuing(correction_kind, items=correction_items_for_document),
            notifying(
                "correction",
                "您的申请需要补正材料，请按一次性告知清单补正。",
                "Your application needs corrections: see the one-time list.",
            ),
        ),
    )


def amend_event(sources, names: tuple[str, ...], effects=(), zh: str = "变更", en: str = "Amend") -> Event:
    """The applicant changes some fields (`names`) in a decided state that it keeps (SAME): data
    {"fields": {...}} checked as the procedure's fields, then the procedure's eligibility on the result."""
    return Event(
        "amend",
        tuple(sources),
        SAME,
        ("applicant",),
        zh,
        en,
        schema={"fields": DataField("fields", zh="变更的字段", en="changed fields", names=tuple(names))},
        guards=(eligible_as_amended,),
        effects=(apply_amendment, *effects),
    )


def eligible_as_amended(ctx):
    """The amended fields meet the same checks as a submission: every required one present, eligible."""
    changes = ctx.data.get("fields", {})
    merged = {k: v for k, v in {**ctx.fields, **changes}.items() if v is not None}
    every_kind = {a.kind for a in ctx.proc.attachments}  # attachments are not what an amendment changes
    reasons = [
        Reason(r.rule, r.zh, r.en, f"data.fields.{r.field}")
        for r in missing_required(ctx.proc, merged, every_kind)
        if (r.field or "").split("[")[0] in changes
    ]
    result = ctx.eligibility(merged)
    return reasons + (
        []
        if result.eligible
        else [
            Reason(r.rule, r.zh, r.en, f"data.fields.{r.field}" if r.field else None, r.status) for r in result.reasons
        ]
    )


def apply_amendment(ctx):
    ctx.change_fields(ctx.data["fields"])


def withdraw_event(sources) -> Event:
    return Event(
        "withdraw", tuple(sources), "withdrawn", ("applicant",), "撤回申请", "Withdraw", effects=(pause_clock, decided)
    )
