from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, ValidationError


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])
    remember = BooleanField("Keep me signed in")
    next = HiddenField()
    submit = SubmitField("Sign in")


class LogoutForm(FlaskForm):
    submit = SubmitField("Sign out")


def _policy(form, field) -> None:
    from ..accounts import AccountError, check_password_policy

    try:
        check_password_policy(field.data or "")
    except AccountError as e:
        raise ValidationError(str(e)) from None


class PasswordChangeForm(FlaskForm):
    current = PasswordField("Current password", validators=[DataRequired(), Length(max=256)])
    new = PasswordField("New password", validators=[InputRequired(), _policy])
    confirm = PasswordField(
        "New password again", validators=[DataRequired(), EqualTo("new", "The two do not match.")]
    )
    submit = SubmitField("Change password")
