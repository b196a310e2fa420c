"""Guards and effects that every procedure shares (submit, correction, reasons, withdrawal)."""
from __future__ import annotations

from workflows.definition import DataField, Event, Reason
from workflows.values import missing_required

REMEDIES_ZH = ("如不服本决定，可以自收到本决定之日起六十日内依法申请行政复议，"
               "或者在六个月内依法向人民法院提起行政诉讼。")
REMEDIES_EN = ("If you disagree, you may apply for administrative reconsideration within 60 days "
               "of receiving this decision, or bring an administrative lawsuit within 6 months.")

REASON_SCHEMA = {"reason": DataField("str", zh="理由", en="reason")}
ITEMS_SCHEMA = {"items": DataField("items", zh="补正事项", en="correction items")}


# --- guards: each returns None, a Reason, or a list of Reasons -----------------------------

def required_complete(ctx):
    return missing_required(ctx.proc, {**ctx.fields, **ctx.derived()}, ctx.attachment_kinds)


def eligible(ctx):
    result = ctx.eligibility()
    return [] if result.eligible else list(result.reasons)


def not_own_application(ctx):
    if ctx.actor.id == ctx.app.applicant_id:
        return Reason("own_application", "不得办理本人提交的申请", "nobody may decide on an application they submitted",
                      status=403)     # a permission, not a data error: 403, and never offered in available_events
    return None


# --- effects -------------------------------------------------------------------------------

def start_decision_clock(ctx):
    """Submission starts the intake limit where the procedure has one, else the decision limit."""
    ctx.submitted()
    limits = ctx.proc.time_limits
    ctx.set_deadline((limits.get("intake") or limits["decision"])["days"])
    ctx.set_correction_items([])


def pause_clock(ctx):
    """Time waiting on the applicant does not count against the authority."""
    ctx.clear_deadline()


def correction_answered(ctx):
    """The correction notice has been answered: it stays on record, superseded by the resubmission."""
    ctx.set_document_status("correction_notice", "superseded", "已补正并重新提交 corrected and resubmitted")


def record_reason(ctx):
    ctx.record(reason=ctx.data["reason"])


def decided(ctx):
    ctx.decide()


def correction_list(ctx):
    ctx.set_correction_items(ctx.data["items"])


def issuing(kind: str, facts=None, by: str | None = None, **extra_builders):
    """An effect that issues document `kind` (by the authority kind `by`, default the handling one).

    `facts(ctx)` gives its table rows; each extra builder gives one snapshot key, or a dict of keys.
    """
    def effect(ctx):
        extra = {}
        for key, build in extra_builders.items():
            value = build(ctx)
            extra.update(value if isinstance(value, dict) else {key: value})
        ctx.issue(kind, facts(ctx) if facts else ctx.default_facts(), by=by, **extra)
    effect.__name__ = f"issue_{kind}"
    effect.document_kind = kind
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

def submit_event(dest="submitted", effects=()) -> Event:
    return Event("submit", ("draft",), dest, ("applicant",), "提交申请", "Submit",
                 guards=(required_complete, eligible), effects=(start_decision_clock, *effects))


def resubmit_event(effects=()) -> Event:
    return Event("resubmit", ("correction_required",), "submitted", ("applicant",), "补正后重新提交",
                 "Resubmit after correction", guards=(required_complete, eligible),
                 effects=(start_decision_clock, correction_answered, *effects))


def request_correction_event(sources, correction_kind="correction_notice", roles=("clerk",)) -> Event:
    return Event("request_correction", tuple(sources), "correction_required", tuple(roles),
                 "一次性告知补正", "Request correction (one-time notice)", schema=ITEMS_SCHEMA,
                 guards=(not_own_application,),
                 effects=(correction_list, pause_clock,
                          issuing(correction_kind, items=correction_items_for_document),
                          notifying("correction", "您的申请需要补正材料，请按一次性告知清单补正。",
                                    "Your application needs corrections: see the one-time list.")))


def withdraw_event(sources) -> Event:
    return Event("withdraw", tuple(sources), "withdrawn", ("applicant",), "撤回申请", "Withdraw",
                 effects=(pause_clock, decided))
