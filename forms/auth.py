"""Login and applicant self-registration forms."""

from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp

from infra.i18n import lazy_bt as _b


class LoginForm(FlaskForm):
    username = StringField(_b("用户名"), validators=[DataRequired(_b("请填写用户名")), Length(max=64)])
    password = PasswordField(_b("密码"), validators=[DataRequired(_b("请填写密码"))])


class RegisterForm(FlaskForm):
    username = StringField(
        _b("用户名"),
        validators=[
            DataRequired(_b("请填写用户名")),
            Length(max=64),
            Regexp(r"^[A-Za-z0-9_.-]+$", message=_b("只能使用字母、数字和 _ - .")),
        ],
    )
    display_name = StringField(_b("单位或姓名"), validators=[DataRequired(_b("请填写名称")), Length(max=128)])
    password = PasswordField(
        _b("密码"), validators=[DataRequired(_b("请填写密码")), Length(min=8, message=_b("密码至少8位"))]
    )
    confirm = PasswordField(_b("确认密码"), validators=[EqualTo("password", message=_b("两次密码不一致"))])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_b("当前密码"), validators=[DataRequired(_b("请填写当前密码"))])
    new_password = PasswordField(
        _b("新密码"), validators=[DataRequired(_b("请填写新密码")), Length(min=8, message=_b("密码至少8位"))]
    )
    confirm = PasswordField(_b("确认新密码"), validators=[EqualTo("new_password", message=_b("两次密码不一致"))])
