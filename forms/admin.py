"""Admin forms: a new user, an authority's fire filing mode, a holiday file. The workflows check the values."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FileField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from infra.i18n import lazy_bt as _b
from infra.i18n import lazy_pair_text, pick
from models.user import ROLES
from vocabulary import division_name, division_name_en
from workflows.registry import authority_setting

MODES = authority_setting("fire_mode").choices

HOLIDAY_FILE_MAX_BYTES = 1024 * 1024  # a year's schedule is a few hundred bytes
ROLE_TITLES = {
    "applicant": lazy_pair_text("申请人", "applicant"),
    "clerk": lazy_pair_text("经办人", "clerk"),
    "approver": lazy_pair_text("负责人", "approver"),
    "reviewer": lazy_pair_text("审查人", "reviewer"),
    "inspector": lazy_pair_text("检查人员", "inspector"),
    "admin": lazy_pair_text("管理员", "admin"),
    "auditor": lazy_pair_text("审计员", "auditor"),
}


def authority_choices(authorities) -> dict:
    """Every authority as "<division>:<kind>", grouped by division (an <optgroup> each)."""
    groups: dict[str, list] = {"": [SelectChoice("", _b("无（申请人、管理员、审计员）"))]}
    for a in authorities:
        group = f"{pick(division_name(a.division_code), division_name_en(a.division_code))} {a.division_code}"
        groups.setdefault(group, []).append(SelectChoice(a.key, lazy_pair_text(a.name, a.name_en)))
    return groups


class UserForm(FlaskForm):
    username = StringField(_b("用户名"), render_kw={"maxlength": 64, "autocomplete": "off", "spellcheck": "false"})
    display_name = StringField(_b("姓名"), render_kw={"maxlength": 128})
    password = PasswordField(_b("初始密码"), render_kw={"minlength": 8, "autocomplete": "new-password"})
    role = SelectField(
        _b("角色"), choices=[SelectChoice(r, ROLE_TITLES.get(r, r)) for r in ROLES], validate_choice=False
    )
    authority = SelectField(
        _b("所属机关"),
        choices=[],
        validate_choice=False,
        description=_b("经办人、负责人、审查人、检查人员须属于一个机关"),
    )

    def __init__(self, *args, authorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.authority.choices = authority_choices(authorities)


class FireModeForm(FlaskForm):
    fire_mode = SelectField(
        _b("简易程序办理方式"),
        choices=[SelectChoice(k, lazy_pair_text(zh, en)) for k, (zh, en) in MODES.items()],
        validate_choice=False,
    )


class HolidayFileForm(FlaskForm):
    file = FileField(_b("节假日文件"), render_kw={"accept": ".csv,.txt,text/csv,text/plain"})
