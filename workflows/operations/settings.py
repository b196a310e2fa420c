"""Settings operations: an authority's [cfg] setting (declared by a procedure, DOMAIN §3's mode for one) and
the holiday table (DOMAIN §0), each with its security-log entry."""

from __future__ import annotations

from typing import NamedTuple

from models import Authority, User
from workflows import engine, holidays, security
from workflows.definition import AuthoritySetting
from workflows.errors import Invalid
from workflows.jobs import SYSTEM
from workflows.registry import PROCEDURES

# the procedures' [cfg] choices an admin sets per authority, as each procedure declares them (its `settings`);
# the procedures read them through the world's authority_setting
SETTINGS: dict[str, AuthoritySetting] = {s.name: s for p in PROCEDURES.values() for s in p.settings}


def setting_of(authority: Authority, name: str) -> str:
    return (authority.settings or {}).get(name, SETTINGS[name].default)


def settings_for(kind: str) -> list[AuthoritySetting]:
    return [s for s in SETTINGS.values() if s.kind == kind]


def set_authority_setting(actor: User | None, authority: Authority, name, value) -> None:
    """Set one setting of one authority; it applies from the next application submitted."""
    spec = SETTINGS.get(name) if isinstance(name, str) else None
    if spec is None or spec.kind != authority.kind:
        known = ", ".join(s.name for s in settings_for(authority.kind)) or "—"
        raise Invalid(
            "该机关没有这项设置",
            "this authority has no such setting",
            [
                {
                    "field": "name",
                    "rule": "choice",
                    "message": f"设置项：本机关可设 {known}",
                    "message_en": f"setting: this authority has {known}",
                }
            ],
        )
    if not isinstance(value, str) or value not in spec.choices:
        choices = ", ".join(spec.choices)
        raise Invalid(
            "设置有误",
            "invalid settings",
            [
                {
                    "field": spec.name,
                    "rule": "choice",
                    "message": f"{spec.name}（{spec.zh}）：须为 {choices} 之一",
                    "message_en": f"{spec.name} ({spec.en}): one of {choices}",
                }
            ],
        )
    authority.settings = {**(authority.settings or {}), spec.name: value}
    security.record("setting_changed", actor, authority.key, {"name": spec.name, "value": value})


class Loaded(NamedTuple):
    days: int
    years: list[int]
    recounted: int
    changed: bool


def load_holidays(actor: User | None, text) -> Loaded:
    """Load a holiday file (lines 'YYYY-MM-DD,holiday|workday,name' and 'year,YYYY') and count the
    provisional deadlines again, audited on each application by the system. The same file again changes
    nothing at all (no rows, no load time: a cache key), and writes no entry."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid(
            "请选择节假日文件",
            "choose a holiday file",
            [
                {
                    "field": "file",
                    "rule": "required",
                    "message": "节假日文件：必填",
                    "message_en": "holiday file: required",
                }
            ],
        )
    try:
        unchanged = holidays.already_loaded(text)
        if unchanged is not None:
            return Loaded(unchanged[0], unchanged[1], 0, False)
        days, years = holidays.load(text)
    except ValueError as exc:  # the parser names the line and the rule in both languages
        zh, _, en = str(exc).partition(" / ")
        raise Invalid(
            "节假日文件有误",
            "the holiday file is invalid",
            [{"field": "file", "rule": "format", "message": zh, "message_en": en or zh}],
        ) from None
    recounted = engine.recompute_provisional_deadlines(SYSTEM)
    security.record("holidays_loaded", actor, ",".join(map(str, years)), {"days": days, "recounted": recounted})
    return Loaded(days, years, recounted, True)
