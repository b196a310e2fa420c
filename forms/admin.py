"""Admin forms: a new user, an authority's fire filing mode, a holiday file. The workflows check the values."""
from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import FileField, PasswordField, SelectField, StringField
from wtforms.fields.choices import SelectChoice

from models.user import ROLES
from workflows.fire_filing import MODES
from workflows.places import division_name

HOLIDAY_FILE_MAX_BYTES = 1024 * 1024      # a year's schedule is a few hundred bytes
ROLE_TITLES = {"applicant": "申请人 applicant", "clerk": "经办人 clerk", "approver": "负责人 approver",
               "reviewer": "审查人 reviewer", "inspector": "检查人员 inspector", "admin": "管理员 admin",
               "auditor": "审计员 auditor"}


def authority_choices(authorities) -> dict:
    """Every authority as "<division>:<kind>", grouped by division (an <optgroup> each)."""
    groups: dict[str, list] = {"": [SelectChoice("", "无（申请人、管理员、审计员）none")]}
    for a in authorities:
        group = f"{division_name(a.division_code)} {a.division_code}"
        groups.setdefault(group, []).append(SelectChoice(a.key, a.name))
    return groups


class UserForm(FlaskForm):
    username = StringField("用户名", render_kw={"maxlength": 64, "autocomplete": "off", "spellcheck": "false"})
    display_name = StringField("姓名", render_kw={"maxlength": 128})
    password = PasswordField("初始密码", render_kw={"minlength": 8, "autocomplete": "new-password"})
    role = SelectField("角色", choices=[SelectChoice(r, ROLE_TITLES.get(r, r)) for r in ROLES], validate_choice=False)
    authority = SelectField("所属机关", choices=[], validate_choice=False,
                            description="经办人、负责人、审查人、检查人员须属于一个机关")

    def __init__(self, *args, authorities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.authority.choices = authority_choices(authorities)


class FireModeForm(FlaskForm):
    fire_mode = SelectField("简易程序办理方式", choices=[SelectChoice(k, f"{zh} {en}") for k, (zh, en) in MODES.items()],
                            validate_choice=False)


class HolidayFileForm(FlaskForm):
    file = FileField("节假日文件", render_kw={"accept": ".csv,.txt,text/csv,text/plain"})
