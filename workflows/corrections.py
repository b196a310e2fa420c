"""The one-time notice (一次性告知, DOMAIN §0) enforced: what each correction item was when it was asked, whether the
applicant has answered it (a changed field, a new file, or a written explanation), and which items a later list
may name (those still unresolved, or content the resubmission changed).

A stored item is {"field", "reason", "was" (the field's value then), "files" (the attachment ids then)}; the
resubmission adds {"answered", "how", "resolved", "new", "new_files", "explanation"}. The request's audit entry
keeps the whole application as it was ("basis"), so that a later list can tell what the resubmission changed.
"""

from __future__ import annotations

from workflows.definition import Reason

HOW = {
    "changed": ("已修改", "changed"),
    "file": ("已上传新文件", "new file uploaded"),
    "explanation": ("已书面说明", "explained in writing"),
}


def _files(app) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for a in app.attachments:
        out.setdefault(a.kind, []).append(a.id)
    return out


def basis(app, fields: dict) -> dict:
    """The application as it stands when a list is made: its fields and its files by kind."""
    return {"fields": dict(fields), "files": _files(app)}


def asked(proc, app, fields: dict, items: list[dict]) -> list[dict]:
    """The items of a new list, each with what it names as it is now."""
    files = _files(app)
    return [
        {**i, "was": fields.get(i["field"]) if proc.field(i["field"]) else None, "files": files.get(i["field"], [])}
        for i in items
    ]


def answer(proc, app, fields: dict, item: dict, explanation: str | None = None) -> dict:
    """How an item stands: answered by a change, by a new file, or by an explanation, or not yet."""
    name = item["field"]
    out: dict = {"answered": False, "how": None, "explanation": explanation or None}
    if proc.field(name) is not None:
        now = fields.get(name)
        out.update(old=item.get("was"), new=now)
        if now != item.get("was"):
            out.update(answered=True, how="changed")
    else:
        before = set(item.get("files") or [])
        new = [{"id": a.id, "filename": a.filename} for a in app.attachments if a.kind == name and a.id not in before]
        out["new_files"] = new
        if new:
            out.update(answered=True, how="file")
    if not out["answered"] and explanation:
        out.update(answered=True, how="explanation")
    out["resolved"] = out["how"] in ("changed", "file")
    return out


def items(proc, app) -> list[dict]:
    """API.md's correction_items: the list to answer while the application awaits correction, each
    {"field", "reason", "answered"} (answered yet by a change or a new file); empty in any other state."""
    if app.state != "correction_required":
        return []
    return [{"field": i["field"], "reason": i["reason"], "answered": i["answered"]} for i in view(proc, app)]


def view(proc, app) -> list[dict]:
    """The last correction list in full, as the pages (and the API's correction_answers) show it: while the
    applicant corrects, whether each item is answered yet (live); after the resubmission, how each was answered
    (old → new, new files, the explanation)."""
    out = []
    for item in app.correction_items or []:
        shown = {"field": item["field"], "reason": item["reason"]}
        if "answered" in item:  # the resubmission recorded its answer
            keys = ("answered", "how", "resolved", "old", "new", "new_files", "explanation")
            shown.update({k: item.get(k) for k in keys if k in item})
        else:
            shown.update(answer(proc, app, app.fields or {}, item))
        label = proc.label(item["field"])
        shown["title"] = {"zh": label[0], "en": label[1]}
        out.append(shown)
    return out


# --- the resubmission answers every item ---------------------------------------------------------


def _answers(ctx) -> dict:
    return ctx.data.get("answers") or {}


def all_answered(ctx):
    """The resubmit guard: every item changed, with a new file, or explained; an explanation only for a listed item."""
    items = ctx.app.correction_items or []
    answers, listed = _answers(ctx), {i["field"] for i in items}
    reasons = [
        Reason(
            "not_listed",
            f"“{ctx.proc.label(name)[0]}”不在补正清单中，无需说明",
            f"{name} is not on the correction list: nothing to explain",
            f"data.answers.{name}",
        )
        for name in answers
        if name not in listed
    ]
    for item in items:
        if not answer(ctx.proc, ctx.app, ctx.fields, item, answers.get(item["field"]))["answered"]:
            zh, en = ctx.proc.label(item["field"])
            what_zh, what_en = (
                ("修改该项", "change it") if ctx.proc.field(item["field"]) else ("上传新文件", "upload a new file")
            )
            reasons.append(
                Reason(
                    "unanswered",
                    f"补正事项“{zh}”尚未补正：请{what_zh}，或填写书面说明",
                    f"correction item “{en}” is not answered: {what_en}, or explain in writing",
                    item["field"],
                )
            )
    return reasons


def record_answers(ctx) -> None:
    """The resubmission's effect: each item keeps how it was answered (the clerk sees old → new, new files)."""
    answers, done = _answers(ctx), []
    for item in ctx.app.correction_items or []:
        result = answer(ctx.proc, ctx.app, ctx.fields, item, answers.get(item["field"]))
        done.append({**item, **result})
    ctx.set_correction_items(done)
    ctx.changes["answers"] = [
        {k: v for k, v in i.items() if k in ("field", "how", "old", "new", "new_files", "explanation")} for i in done
    ]


# --- a later list names only what is still open ---------------------------------------------------


def changed_since(ctx) -> set[str]:
    """Fields and attachment kinds the resubmission changed since the last list was made (its audit entry's
    basis)."""
    before = (ctx.last_event_data("request_correction") or {}).get("basis")
    if before is None:
        return set()
    was, now = before.get("fields") or {}, ctx.fields
    changed = {k for k in set(was) | set(now) if was.get(k) != now.get(k)}
    files_was, files_now = before.get("files") or {}, _files(ctx.app)
    changed |= {
        k for k in set(files_was) | set(files_now) if sorted(files_was.get(k, [])) != sorted(files_now.get(k, []))
    }
    return changed


def only_open_items(ctx):
    """A later list may name only items of the earlier one still unresolved (an explanation does not resolve
    one) or content the resubmission changed (DOMAIN §0): the authority had to list everything at once. A list
    the system makes (documents promised on a fast-track acceptance and still missing) is not a second notice."""
    earlier = ctx.app.correction_items or []
    if not earlier or ctx.actor.role == "system":
        return []
    open_items = {i["field"] for i in earlier if not i.get("resolved")}
    allowed = open_items | changed_since(ctx)
    return [
        Reason(
            "one_time_notice",
            f"“{ctx.proc.label(i['field'])[0]}”不是前次补正清单中尚未解决的事项，也不是补正后变更的内容："
            "一次性告知后不得再提出新的补正事项",
            f"{i['field']} is neither an unresolved item of the earlier list nor content changed in the "
            "resubmission: a one-time notice may not be followed by new items",
            f"data.items[{n}]",
        )
        for n, i in enumerate(ctx.data.get("items") or [])
        if i["field"] not in allowed
    ]


def note_items(ctx) -> None:
    """The request's effect: the list, each item with what it names now, and the application's basis in the
    audit entry."""
    ctx.set_correction_items(asked(ctx.proc, ctx.app, ctx.fields, ctx.data["items"]))
    ctx.changes["basis"] = basis(ctx.app, ctx.fields)
