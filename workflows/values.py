"""Checking submitted values against a procedure's field list and an event's data schema."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from vocabulary import DIVISIONS
from workflows import credit_code
from workflows.definition import DataField, Field, Procedure, Reason

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _bad(f: Field, zh: str, en: str, rule: str = "type") -> Reason:
    return Reason(rule, f"{f.zh}：{zh}", f"{f.en}: {en}", f.name)


def clean_value(f: Field, value, where: str | None = None):
    """(clean value, None) or (None, Reason). None/"" (and an empty list) clears an optional value.

    `where` names the value in a reason when it is not the field's own name (a group's cell: classes[0].children)."""
    if value is None or value == "" or (value == [] and f.type in ("multichoice", "group")):
        return None, None
    if where is not None:
        clean, reason = clean_value(f, value)
        return clean, reason and Reason(reason.rule, reason.zh, reason.en, where, reason.status)
    if f.type == "multichoice":
        return _clean_choices(f, value)
    if f.type == "group":
        return _clean_group(f, value)
    if f.type in ("text", "textarea", "choice", "division", "credit_code"):
        if not isinstance(value, str):
            return None, _bad(f, "应为文本", "must be a string")
        value = value.strip()
        if _CONTROL.search(value):
            return None, _bad(f, "含有控制字符", "contains control characters")
        if len(value) > f.max_length:
            return None, _bad(f, f"不得超过{f.max_length}个字符", f"at most {f.max_length} characters", "max_length")
        if f.type == "choice" and value not in {c[0] for c in f.choices or ()}:
            return None, _bad(f, "不是可选值之一", "is not one of the allowed values", "choice")
        if f.type == "division" and value not in DIVISIONS:
            return None, _bad(
                f, "不是哈尔滨市的县级行政区划代码", "is not a Harbin county-level division code", "division"
            )
        if f.type == "credit_code":
            value = value.upper()
            problem = credit_code.problem(value)
            if problem:
                return None, Reason("credit_code", f"{f.zh}：{problem[0]}", f"{f.en}: {problem[1]}", f.name)
        return value, None
    if f.type == "bool":
        if not isinstance(value, bool):
            return None, _bad(f, "应为是或否（true/false）", "must be true or false")
        return value, None
    if f.type in ("int", "decimal"):
        if isinstance(value, bool) or not isinstance(value, (int, float, str)):
            return None, _bad(f, "应为数字", "must be a number")
        try:
            number = Decimal(str(value).strip())
        except InvalidOperation:
            return None, _bad(f, "应为数字", "must be a number")
        low = Decimal(str(f.minimum if f.minimum is not None else 0))
        if not number.is_finite() or number < low or number > Decimal("1e12"):
            return None, _bad(f, f"应为不小于{low:g}的有限数字", f"must be a finite number ≥ {low:g}", "range")
        if f.type == "int":
            if number != number.to_integral_value():
                return None, _bad(f, "应为整数", "must be a whole number")
            return int(number), None
        return float(number), None
    if f.type == "date":
        try:
            return date.fromisoformat(value).isoformat(), None
        except (TypeError, ValueError):
            return None, _bad(f, "应为YYYY-MM-DD格式的日期", "must be a date YYYY-MM-DD")
    raise AssertionError(f"unknown field type {f.type}")


def _clean_choices(f: Field, value) -> tuple[list | None, Reason | None]:
    """A list of distinct allowed values, in the order given."""
    allowed = {c[0] for c in f.choices or ()}
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        return None, _bad(f, "应为可选值的列表", "must be a list of the allowed values")
    if any(v not in allowed for v in value):
        return None, _bad(f, "含有不在可选值中的项", "contains a value that is not allowed", "choice")
    return list(dict.fromkeys(value)), None


def _clean_group(f: Field, value) -> tuple[list | None, Reason | None]:
    """A list of rows, each an object of the group's columns, each cell checked like a field. Every problem
    of every row is reported at once, named `name[i].column`; the caller gets the first one here and the
    rest through clean_fields (which calls group_problems)."""
    rows, problems = group_rows(f, value)
    return (None, problems[0]) if problems else (rows, None)


def group_rows(f: Field, value) -> tuple[list, list[Reason]]:
    if not isinstance(value, list):
        return [], [_bad(f, "应为列表", "must be a list")]
    if len(value) > f.max_rows:
        return [], [_bad(f, f"最多{f.max_rows}行", f"at most {f.max_rows} rows", "max_length")]
    rows, problems = [], []
    for i, row in enumerate(value):
        at = f"{f.name}[{i}]"
        if not isinstance(row, dict):
            problems.append(
                Reason("type", f"{f.zh}第{i + 1}行：应为对象", f"{f.en} row {i + 1}: must be an object", at)
            )
            continue
        clean = {}
        for key in row:
            if f.column(key) is None:
                problems.append(
                    Reason(
                        "unknown_field",
                        f"{f.zh}第{i + 1}行：未知字段 {key}",
                        f"{f.en} row {i + 1}: unknown field {key}",
                        f"{at}.{key}",
                    )
                )
        for column in f.columns:
            cell, reason = clean_value(column, row.get(column.name), f"{at}.{column.name}")
            if reason:
                problems.append(
                    Reason(
                        reason.rule, f"{f.zh}第{i + 1}行{reason.zh}", f"{f.en} row {i + 1}: {reason.en}", reason.field
                    )
                )
            elif cell is not None:  # a cell still empty is no error in a draft: the submit guard names it
                clean[column.name] = cell
        rows.append(clean)
    return rows, problems


def clean_fields(proc: Procedure, values: object) -> tuple[dict, list[Reason]]:
    """Type-check the given fields (no eligibility, no required check): unknown names are errors."""
    if not isinstance(values, dict):
        return {}, [Reason("type", "fields 应为对象", "fields must be an object", "fields")]
    out: dict[str, object] = {}
    reasons: list[Reason] = []
    for name, value in values.items():
        f = proc.field(name)
        if f is None:
            reasons.append(Reason("unknown_field", f"未知字段：{name}", f"unknown field: {name}", str(name)))
            continue
        if f.type == "group" and value not in (None, "", []):  # every problem of every row at once
            rows, problems = group_rows(f, value)
            reasons += problems
            if not problems:
                out[name] = rows
            continue
        clean, reason = clean_value(f, value)
        if reason:
            reasons.append(reason)
        else:
            out[name] = clean
    return out, reasons


def missing_required(proc: Procedure, fields: dict, attachment_kinds: set[str]) -> list[Reason]:
    reasons = [
        Reason("required", f"{f.zh}：必填", f"{f.en}: required", f.name)
        for f in proc.fields
        if f.required and fields.get(f.name) in (None, "", [])
    ]
    for f in proc.fields:  # every row of a group needs its required cells
        for i, row in enumerate(fields.get(f.name) or () if f.type == "group" else ()):
            reasons += [
                Reason(
                    "required",
                    f"{f.zh}第{i + 1}行{c.zh}：必填",
                    f"{f.en} row {i + 1}: {c.en}: required",
                    f"{f.name}[{i}].{c.name}",
                )
                for c in f.columns
                if c.required and (row or {}).get(c.name) in (None, "", [])
            ]
    reasons += [
        Reason("attachment_required", f"{a.zh}：请上传", f"{a.en}: please upload this attachment", a.kind)
        for a in proc.attachments
        if a.needed(fields) and a.kind not in attachment_kinds
    ]
    return reasons


def clean_data(schema: dict[str, DataField], data: object, proc: Procedure) -> tuple[dict, list[Reason]]:
    """Check an event's data against its schema; unknown keys are ignored only when empty schema."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        return {}, [Reason("type", "data 应为对象", "data must be an object", "data")]
    out: dict[str, Any] = {}
    reasons: list[Reason] = []
    for key in data:
        if key not in schema:
            reasons.append(
                Reason("unknown_field", f"未知的事件数据：{key}", f"unknown event data: {key}", f"data.{key}")
            )
    for key, spec in schema.items():
        value, where = data.get(key), f"data.{key}"
        label_zh, label_en = spec.zh or key, spec.en or key
        if value is None or (isinstance(value, str) and not value.strip()) or value == []:
            if spec.required:
                reasons.append(
                    Reason("required", f"{label_zh}：必填，不得为空", f"{label_en}: required, may not be empty", where)
                )
            continue
        if spec.type == "str":
            if not isinstance(value, str) or _CONTROL.search(value) or len(value) > 2000:
                reasons.append(
                    Reason(
                        "type",
                        f"{label_zh}：应为不超过2000字的文本",
                        f"{label_en}: must be text of at most 2000 characters",
                        where,
                    )
                )
                continue
            out[key] = value.strip()
        elif spec.type == "bool":
            if not isinstance(value, bool):
                reasons.append(
                    Reason("type", f"{label_zh}：应为是或否（true/false）", f"{label_en}: must be true or false", where)
                )
                continue
            out[key] = value
        elif spec.type == "int":
            if not isinstance(value, int) or isinstance(value, bool):
                reasons.append(Reason("type", f"{label_zh}：应为整数", f"{label_en}: must be an integer", where))
                continue
            out[key] = value
        elif spec.type == "division":
            if not isinstance(value, str) or value not in DIVISIONS:
                reasons.append(
                    Reason(
                        "division",
                        f"{label_zh}：不是哈尔滨市的县级行政区划代码",
                        f"{label_en}: not a Harbin county-level division code",
                        where,
                    )
                )
                continue
            out[key] = value
        elif spec.type == "date":
            try:
                out[key] = date.fromisoformat(value).isoformat()
            except (TypeError, ValueError):
                reasons.append(
                    Reason(
                        "type", f"{label_zh}：应为YYYY-MM-DD格式的日期", f"{label_en}: must be a date YYYY-MM-DD", where
                    )
                )
        elif spec.type == "items":
            items, item_reasons = _clean_items(value, proc, where)
            reasons += item_reasons
            out[key] = items
        elif spec.type == "answers":
            answers, answer_reasons = _clean_answers(value, proc, where)
            reasons += answer_reasons
            out[key] = answers
        elif spec.type == "fields":
            changed, field_reasons = _clean_changes(value, spec, proc, where)
            reasons += field_reasons
            out[key] = changed
    return out, reasons


def _clean_changes(value, spec: DataField, proc: Procedure, where: str) -> tuple[dict, list[Reason]]:
    """Changed fields carried by an event (an amendment): only the names the event allows, each checked as
    the procedure's field; the reasons name them under the event's key (data.fields.places)."""
    if not isinstance(value, dict):
        return {}, [Reason("type", "应为对象", "must be an object", where)]
    reasons = [
        Reason(
            "not_changeable",
            f"{proc.label(k)[0]}：不能通过此操作修改",
            f"{k}: cannot be changed this way",
            f"{where}.{k}",
        )
        for k in value
        if proc.field(k) is not None and k not in spec.names
    ]
    allowed = {k: v for k, v in value.items() if k in spec.names or proc.field(k) is None}
    clean, problems = clean_fields(proc, allowed)
    reasons += [Reason(r.rule, r.zh, r.en, f"{where}.{r.field}" if r.field else where, r.status) for r in problems]
    return clean, reasons


def _clean_answers(value, proc: Procedure, where: str) -> tuple[dict, list[Reason]]:
    """Explanations of correction items: {"<field or attachment kind>": "<text>"} (empty texts are left out)."""
    if not isinstance(value, dict):
        return {}, [Reason("type", "书面说明应为对象", "answers must be an object of explanations", where)]
    known = {f.name for f in proc.fields} | {a.kind for a in proc.attachments}
    out: dict[str, Any] = {}
    reasons: list[Reason] = []
    for name, text in value.items():
        at = f"{where}.{name}"
        if name not in known:
            reasons.append(
                Reason("unknown_field", f"没有名为 {name} 的字段或材料", f"no field or attachment named {name}", at)
            )
        elif text is None or (isinstance(text, str) and not text.strip()):
            continue
        elif not isinstance(text, str) or _CONTROL.search(text) or len(text) > 2000:
            reasons.append(
                Reason(
                    "type",
                    f"{proc.label(name)[0]}的说明：应为不超过2000字的文本",
                    f"explanation of {name}: must be text of at most 2000 characters",
                    at,
                )
            )
        else:
            out[name] = text.strip()
    return out, reasons


def _clean_items(value, proc: Procedure, where: str) -> tuple[list, list[Reason]]:
    if not isinstance(value, list):
        return [], [Reason("type", "补正事项应为列表", "items must be a list", where)]
    items, reasons, seen = [], [], set()
    known = {f.name for f in proc.fields} | {a.kind for a in proc.attachments}
    for i, item in enumerate(value):
        at = f"{where}[{i}]"
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("field"), str)
            or not isinstance(item.get("reason"), str)
        ):
            reasons.append(
                Reason("type", f"第{i + 1}项：应为 {{field, reason}}", f"item {i + 1}: must be {{field, reason}}", at)
            )
            continue
        name, why = item["field"].strip(), item["reason"].strip()
        if name not in known:
            reasons.append(
                Reason(
                    "unknown_field",
                    f"第{i + 1}项：没有名为 {name} 的字段或材料",
                    f"item {i + 1}: no field or attachment named {name}",
                    at,
                )
            )
        elif not why or _CONTROL.search(why) or len(why) > 500:
            reasons.append(
                Reason(
                    "required",
                    f"第{i + 1}项：请写明需要补正的原因（500字以内）",
                    f"item {i + 1}: give the reason (at most 500 characters)",
                    at,
                )
            )
        elif name in seen:
            reasons.append(
                Reason("duplicate", f"第{i + 1}项：{name} 重复列出", f"item {i + 1}: {name} is listed twice", at)
            )
        else:
            seen.add(name)
            items.append({"field": name, "reason": why})
    return items, reasons


def normalise_address(text: str | None) -> str:
    """Compare addresses after folding full-width characters and removing whitespace."""
    folded = unicodedata.normalize("NFKC", text or "")
    return re.sub(r"\s+", "", folded).upper()
