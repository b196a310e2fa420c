"""Login and applicant self-registration forms."""
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp


class LoginForm(FlaskForm):
    username = StringField("用户名 Username", validators=[DataRequired("请填写用户名 / Username required"), Length(max=64)])
    password = PasswordField("密码 Password", validators=[DataRequired("请填写密码 / Password required")])


class RegisterForm(FlaskForm):
    username = StringField("用户名 Username", validators=[
        DataRequired("请填写用户名 / Username required"), Length(max=64),
        Regexp(r"^[A-Za-z0-9_.-]+$", message="只能使用字母、数字和 _ - . / letters, digits, _ - . only")])
    display_name = StringField("单位或姓名 Name", validators=[DataRequired("请填写名称 / Name required"), Length(max=128)])
    password = PasswordField("密码 Password", validators=[DataRequired(), Length(min=8, message="密码至少8位 / at least 8 characters")])
    confirm = PasswordField("确认密码 Confirm", validators=[EqualTo("password", message="两次密码不一致 / passwords differ")])
