"""Application forms built from a procedure's field list, and page form data turned into engine data."""
from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice

from infra.i18n import lazy_bt as _b, lazy_pair_text
from workflows import engine
from workflows.definition import Event, Field, Procedure, Reason
from workflows.errors import Invalid
from workflows.places import DIVISIONS, DIVISIONS_EN, STREETS
from workflows.registry import PROCEDURES
from workflows.values import clean_fields

PLEASE_CHOOSE = SelectChoice("", _b("请选择"))
YES_NO = [PLEASE_CHOOSE, SelectChoice("yes", _b("是")), SelectChoice("no", _b("否"))]
STREET_LIST_ID = "streets-230102"
STREET_NAMES = tuple(name for division, name in STREETS.values() if division == "230102")


def _wtf_field(f: Field):
    """One WTForms field for one procedure field; the engine does every check, not WTForms."""
    if f.type == "textarea":
        return TextAreaField(f.zh, render_kw={"rows": 3, "maxlength": f.max_length})
    kw = {"render_kw": {}}
    if f.type == "bool":
        return SelectField(f.zh, choices=YES_NO, validate_choice=False, **kw)
    if f.type == "choice":
        return SelectField(f.zh, choices=[PLEASE_CHOOSE, *(SelectChoice(v, lazy_pair_text(zh, en)) for v, zh, en in f.choices or ())],
                           validate_choice=False, **kw)
    if f.type == "division":
        divisions = (SelectChoice(c, lazy_pair_text(name, DIVISIONS_EN[c])) for c, (name, _s) in DIVISIONS.items())
        return SelectField(f.zh, choices=[PLEASE_CHOOSE, *divisions], validate_choice=False, **kw)
    if f.type == "date":
        kw["render_kw"] = {"type": "date"}
    elif f.type in ("int", "decimal"):
        kw["render_kw"] = {"inputmode": "decimal"}
    elif f.type == "credit_code":
        kw["render_kw"] = {"maxlength": 18, "autocapitalize": "characters", "spellcheck": "false"}
    else:
        kw["render_kw"] = {"maxlength": f.max_length}
    if f.name == "premise_street":
        kw["render_kw"]["list"] = STREET_LIST_ID
    return StringField(f.zh, **kw)


_FORM_CLASSES: dict[str, type[FlaskForm]] = {}


def form_class(proc: Procedure) -> type[FlaskForm]:
    """A FlaskForm subclass with one field per procedure field, built once per procedure."""
    if proc.name not in _FORM_CLASSES:
        attrs = {f.name: _wtf_field(f) for f in proc.fields}
        attrs["datalists"] = {STREET_LIST_ID: STREET_NAMES}
        _FORM_CLASSES[proc.name] = type(f"{proc.name.title().replace('_', '')}Form", (FlaskForm,), attrs)
    return _FORM_CLASSES[proc.name]


def _as_form_value(f: Field, value):
    if f.type == "bool" and isinstance(value, bool):
        return "yes" if value else "no"
    return "" if value is None else str(value) if f.type in ("int", "decimal") else value


def application_form(proc: Procedure, fields: dict | None = None) -> FlaskForm:
    """The form, filled from the request when posted, else from `fields` (stored values)."""
    initial = {f.name: _as_form_value(f, (fields or {}).get(f.name)) for f in proc.fields}
    return form_class(proc)(data=initial)


def fields_from(form: FlaskForm, proc: Procedure, keep_empty: bool = False) -> dict:
    """The engine's fields dict: text stripped, 是/否 as True/False; empty values omitted
    (a new draft) or sent as None (an edit, so that clearing an optional field clears it)."""
    out = {}
    for f in proc.fields:
        raw = form[f.name].data
        value = raw.strip() if isinstance(raw, str) else raw
        if f.type == "bool" and value in ("yes", "no"):
            value = value == "yes"
        if value in ("", None):
            if keep_empty:
                out[f.name] = None
            continue
        out[f.name] = value
    return out


def precheck(proc: Procedure, fields: dict):
    """Eligibility of values not yet saved (malformed values are refused as on create)."""
    clean, problems = clean_fields(proc, fields)
    if problems:
        raise Invalid("申请信息有误", "invalid fields", problems)
    return engine.eligibility_of(proc, clean)


def show_problems(form: FlaskForm, details: list[dict]) -> list[dict]:
    """Put each engine problem beside the field it names; return those that name no field."""
    leftover = []
    for d in details:
        name = d.get("field")
        if name in form._fields and name != "csrf_token":
            form[name].errors = [*form[name].errors, f"{d['message']} / {d['message_en']}"]
        else:
            leftover.append(d)
    return leftover


# --- event forms ---------------------------------------------------------------------------

@dataclass(frozen=True)
class EventChoice:
    """An event as a page shows it: enabled, or disabled with the reasons why."""
    event: Event
    reasons: tuple[Reason, ...]

    @property
    def enabled(self) -> bool:
        return not self.reasons


def event_choices(app, proc: Procedure, user, every_role_event: bool) -> list[EventChoice]:
    """The events `user` may fire now (blocked ones with their guard reasons); with
    `every_role_event`, also the role's events that this state does not allow, with why not."""
    available = {event.name: reasons for event, reasons in engine.available_events(app, user)}
    out = []
    for event in proc.events:
        if event.name in available:
            out.append(EventChoice(event, tuple(available[event.name])))
        elif every_role_event and user.role in event.roles:
            out.append(EventChoice(event, (_why_not(app, proc, event, user),)))
    return out


def _why_not(app, proc: Procedure, event: Event, user) -> Reason:
    """Why an event of the user's role is not on offer: batch-only, the state, or who may fire it here."""
    if getattr(event, "internal", False):
        return Reason("batch_only", f"“{event.zh}”只能批量办理，不能逐件办理", f"{event.en} is done only as a batch")
    if app.state in event.sources:
        reason = engine.role_reason(app, proc, event, user)
        if reason:
            return reason
    state_zh, state_en = proc.states[app.state]
    return Reason("state", f"当前状态“{state_zh}”下不能{event.zh}", f"not possible while {state_en}")


def correction_items(proc: Procedure, formdata) -> list[dict]:
    """The one-time list from the correction form's parallel lists: item_name[i], item_reason[i],
    a row counting when its checkbox (item_on) is ticked or it has a reason."""
    names, reasons = formdata.getlist("item_name"), formdata.getlist("item_reason")
    ticked = set(formdata.getlist("item_on"))
    return [{"field": name, "reason": reason.strip()} for name, reason in zip(names, reasons)
            if name in ticked or reason.strip()]


YES_NO_VALUES = {"yes": True, "no": False}


def event_data(event: Event, proc: Procedure, formdata) -> dict:
    """Event data in the shape of the event's schema; empty inputs are left out for the engine to name.

    A yes/no question is answered 是 ("yes") or 否 ("no"): no answer stays missing (the engine
    says it is required) instead of becoming False, and any other value goes on for the engine to refuse.
    """
    data = {}
    for key, spec in event.schema.items():
        raw = (formdata.get(key) or "").strip()
        if spec.type == "items":
            data[key] = correction_items(proc, formdata)
        elif spec.type == "bool" and raw:
            data[key] = YES_NO_VALUES.get(raw, raw)
        elif raw:
            data[key] = raw
    return data


def version_from(formdata):
    """The hidden version as an int (anything else is passed on for the engine to refuse)."""
    raw = (formdata.get("version") or "").strip()
    return int(raw) if raw.isdigit() else raw or None


def fire_from_form(app, user, formdata) -> Event | None:
    """Fire the event an event form posted (its name, inputs, version and comment); flushes only."""
    proc = PROCEDURES[app.procedure]
    event = proc.event(formdata.get("event", ""))
    data = event_data(event, proc, formdata) if event else {}
    engine.fire(app, formdata.get("event", ""), user, data, version_from(formdata), formdata.get("comment", ""))
    return event


def correction_targets(proc: Procedure) -> list[tuple[str, str, str, str]]:
    """Every field and attachment a correction item may name: (name, zh, en, 字段|材料)."""
    return ([(f.name, f.zh, f.en, "字段") for f in proc.fields]
            + [(a.kind, a.zh, a.en, "材料") for a in proc.attachments])
