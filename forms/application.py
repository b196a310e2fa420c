"""Application forms built from a procedure's field list, and page form data turned into engine data."""

from __future__ import annotations

from dataclasses import dataclass

from flask_wtf import FlaskForm
from wtforms import FieldList, Form, FormField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.widgets import CheckboxInput, ListWidget

from infra.i18n import lazy_bt as _b
from infra.i18n import lazy_pair_text
from vocabulary import DIVISIONS, DIVISIONS_EN
from workflows import engine, figures
from workflows.definition import Event, Field, Procedure, Reason
from workflows.errors import Invalid
from workflows.registry import PROCEDURES
from workflows.values import clean_fields

PLEASE_CHOOSE = SelectChoice("", _b("请选择"))
YES_NO = [PLEASE_CHOOSE, SelectChoice("yes", _b("是")), SelectChoice("no", _b("否"))]


def _choices(f: Field) -> list:
    return [SelectChoice(v, lazy_pair_text(zh, en)) for v, zh, en in f.choices or ()]


def _wtf_field(f: Field):
    """One WTForms field for one procedure field; the engine does every check, not WTForms."""
    if f.type == "group":  # a repeatable row: one sub-form per row (name-0-column, name-1-column, …)
        row = type(f"{f.name.title()}Row", (Form,), {c.name: _wtf_field(c) for c in f.columns})
        return FieldList(FormField(row), max_entries=f.max_rows)
    if f.type == "multichoice":
        return SelectMultipleField(
            f.zh,
            choices=_choices(f),
            validate_choice=False,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
    if f.type == "textarea":
        return TextAreaField(f.zh, render_kw={"rows": 3, "maxlength": f.max_length})
    kw = {"render_kw": {}}
    if f.type == "bool":
        return SelectField(f.zh, choices=YES_NO, validate_choice=False, **kw)
    if f.type == "choice":
        return SelectField(f.zh, choices=[PLEASE_CHOOSE, *_choices(f)], validate_choice=False, **kw)
    if f.type == "division":
        divisions = (SelectChoice(c, lazy_pair_text(name, DIVISIONS_EN[c])) for c, (name, _s) in DIVISIONS.items())
        return SelectField(f.zh, choices=[PLEASE_CHOOSE, *divisions], validate_choice=False, **kw)
    if f.type == "date":
        kw["render_kw"] = {"type": "date"}
    elif f.type in ("int", "decimal"):
        kw["render_kw"] = {"inputmode": "numeric" if f.type == "int" else "decimal"}
    elif f.type == "credit_code":
        kw["render_kw"] = {"maxlength": 18, "autocapitalize": "characters", "spellcheck": "false"}
    else:
        kw["render_kw"] = {"maxlength": f.max_length}
    if f.suggestions:
        kw["render_kw"]["list"] = f"{f.name}-suggestions"
    return StringField(f.zh, **kw)


_FORM_CLASSES: dict[tuple, type] = {}


def form_class(proc: Procedure, names: tuple[str, ...] | None = None, base: type = FlaskForm) -> type:
    """A form class with one field per procedure field (or per field of `names`), built once each."""
    key = (proc.name, names, base)
    if key not in _FORM_CLASSES:
        chosen = [f for f in proc.fields if names is None or f.name in names]
        attrs = {f.name: _wtf_field(f) for f in chosen}
        attrs["datalists"] = {f"{f.name}-suggestions": f.suggestions for f in chosen if f.suggestions}
        _FORM_CLASSES[key] = type(f"{proc.name.title().replace('_', '')}Form", (base,), attrs)
    return _FORM_CLASSES[key]


def _as_form_value(f: Field, value):
    if f.type == "bool" and isinstance(value, bool):
        return "yes" if value else "no"
    if f.type == "group":
        return [{c.name: _as_form_value(c, (row or {}).get(c.name)) for c in f.columns} for row in value or ()]
    if f.type == "multichoice":
        return list(value or ())
    return "" if value is None else figures.number(value) if f.type in ("int", "decimal") else value  # 120, not 120.0


def _with_blank_rows(form, fields) -> None:
    """A group shows its filled rows and a few empty ones to add to (enough without JavaScript)."""
    for f in fields:
        if f.type == "group":
            for _ in range(max(0, min(f.blank_rows, f.max_rows - len(form[f.name].entries)))):
                form[f.name].append_entry()


def application_form(proc: Procedure, fields: dict | None = None) -> FlaskForm:
    """The form, filled from the request when posted, else from `fields` (stored values)."""
    initial = {f.name: _as_form_value(f, (fields or {}).get(f.name)) for f in proc.fields}
    form = form_class(proc)(data=initial)
    if not form.is_submitted():
        _with_blank_rows(form, proc.fields)
    return form


def _form_value(f: Field, raw):
    """A posted value in the engine's terms: text stripped, 是/否 as True/False, a group's rows without the
    empty ones, each row without its empty cells."""
    if f.type == "group":
        rows = [{c.name: _form_value(c, row.get(c.name)) for c in f.columns} for row in raw or ()]
        return [
            {k: v for k, v in row.items() if v not in ("", None)}
            for row in rows
            if any(v not in ("", None) for v in row.values())
        ]
    value = raw.strip() if isinstance(raw, str) else raw
    if f.type == "bool" and value in ("yes", "no"):
        value = value == "yes"
    return value


def fields_from(form, proc: Procedure, keep_empty: bool = False, names: tuple[str, ...] | None = None) -> dict:
    """The engine's fields dict: text stripped, 是/否 as True/False; empty values omitted
    (a new draft) or sent as None (an edit, so that clearing an optional field clears it)."""
    out = {}
    for f in proc.fields:
        if names is not None and f.name not in names:
            continue
        value = _form_value(f, form[f.name].data)
        if value in ("", None, []):
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
        name = (d.get("field") or "").split("[")[0]  # a group's cell (classes[0].children) beside its group
        if name in form._fields and name != "csrf_token":
            form[name].errors = [*form[name].errors, f"{d['message']} / {d['message_en']}"]
        else:
            leftover.append(d)
    return leftover


# --- event forms ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EventChoice:
    """An event as a page shows it: enabled, or disabled with the reasons why; `form` holds the inputs of the
    fields it changes (an amendment), filled with the current values."""

    event: Event
    reasons: tuple[Reason, ...]
    form: Form | None = None

    @property
    def enabled(self) -> bool:
        """Ready, or blocked only by what its own inputs answer (a correction item explained in the form)."""
        return all(r.rule in ANSWERED_IN_FORM for r in self.reasons)


# guard rules that the event's form itself can satisfy: the resubmission's explanations of correction items
ANSWERED_IN_FORM = {"unanswered"}


def event_choices(app, proc: Procedure, user, every_role_event: bool) -> list[EventChoice]:
    """The events `user` may fire now (blocked ones with their guard reasons); with
    `every_role_event`, also the role's events that this state does not allow, with why not."""
    available = {event.name: reasons for event, reasons in engine.available_events(app, user)}
    out = []
    for event in proc.events:
        if event.name in available:
            out.append(EventChoice(event, tuple(available[event.name]), _changes_form(event, proc, app.fields)))
        elif every_role_event and user.role in event.roles:
            out.append(EventChoice(event, (_why_not(app, proc, event, user),)))
    return out


def _changed_names(event: Event) -> tuple[str | None, tuple[str, ...]]:
    """The data key that carries changed fields (DataField type "fields") and the names it may change."""
    return next(((key, spec.names) for key, spec in event.schema.items() if spec.type == "fields"), (None, ()))


def _changes_form(event: Event, proc: Procedure, fields: dict | None, formdata=None):
    """The inputs of the fields an event changes, prefixed with the event's name; None for other events."""
    key, names = _changed_names(event)
    if key is None:
        return None
    chosen = [f for f in proc.fields if f.name in names]
    form = form_class(proc, tuple(names), Form)(
        formdata, data={f.name: _as_form_value(f, (fields or {}).get(f.name)) for f in chosen}, prefix=f"{event.name}-"
    )
    if formdata is None:
        _with_blank_rows(form, chosen)
    return form


def _why_not(app, proc: Procedure, event: Event, user) -> Reason:
    """Why an event of the user's role is not on offer: batch-only, the state, or who may fire it here."""
    if getattr(event, "internal", False):
        return Reason("batch_only", f"“{event.zh}”只能批量办理，不能逐件办理", f"{event.en} is done only as a batch")
    if event.name in engine.allowed_now(app):
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
    return [
        {"field": name, "reason": reason.strip()}
        for name, reason in zip(names, reasons, strict=False)
        if name in ticked or reason.strip()
    ]


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
        elif spec.type == "answers":  # answer-<field or attachment kind>: the written explanations
            data[key] = {
                k.removeprefix("answer-"): v.strip()
                for k, v in formdata.items()
                if k.startswith("answer-") and v.strip()
            }
        elif spec.type == "fields":
            form = _changes_form(event, proc, None, formdata)
            data[key] = fields_from(form, proc, keep_empty=True, names=spec.names)
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
    if event is not None and event.declares and formdata.get("declare") != "yes":
        raise Invalid(
            "请阅读并勾选承诺后提交",
            "read and tick the declaration before submitting",
            [Reason("declaration", "承诺：请勾选确认", "declaration: tick to confirm", "declare")],
        )
    data = event_data(event, proc, formdata) if event else {}
    engine.fire(app, formdata.get("event", ""), user, data, version_from(formdata), formdata.get("comment", ""))
    return event


def correction_targets(proc: Procedure) -> list[tuple[str, str, str, str]]:
    """Every field and attachment a correction item may name: (name, zh, en, 字段|材料)."""
    return [(f.name, f.zh, f.en, "字段") for f in proc.fields] + [
        (a.kind, a.zh, a.en, "材料") for a in proc.attachments
    ]
