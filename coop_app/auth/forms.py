"""Login, password and language forms."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from coop_app.auth.service import PASSWORD_RULE
from coop_app.web.fields import choices


class LoginForm(FlaskForm):
    username = StringField(_l("Username"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class PasswordForm(FlaskForm):
    current_password = PasswordField(_l("Current password"), validators=[DataRequired()])
    new_password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=200)],
                                 description=PASSWORD_RULE)
    confirm = PasswordField(_l("Repeat the new password"),
                            validators=[EqualTo("new_password", message=_l("The passwords do not match."))])


class LanguageForm(FlaskForm):
    """The language button of every page: one of the app's languages, and the page to go
    back to."""
    lang = SelectField()
    next = HiddenField()

    def __init__(self, languages, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.lang.choices = choices((code, code) for code in languages)
