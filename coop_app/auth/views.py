"""Login, logout, language and own password.

Logging in and out only start and end the session. The language switch and the own
password change run through the web kit's `perform`, which commits and redirects, or rolls
back and shows the form again (422) with the service's message.
"""
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect,
                   render_template, request, session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from coop_app.extensions import db, limiter, login_manager
from coop_app.auth import service
from coop_app.auth.forms import LanguageForm, LoginForm, PasswordForm
from coop_app.auth.models import User
from coop_app.web import form_page, perform

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "warning"


@login_manager.user_loader
def load_user(user_id):
    user = db.session.get(User, int(user_id))
    return user if user is not None and user.active else None


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _safe_next(target):
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_limit, methods=["POST"],
               error_message=lambda: str(_l("Too many login attempts. Wait a minute and try again.")))
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = service.authenticate(form.username.data, form.password.data)
        if user is None:
            flash(_("Wrong username or password."), "danger")
        else:
            session.clear()
            login_user(user)
            if user.locale:
                session["lang"] = user.locale
            return redirect(_safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


def _choose_language(lang):
    """The session's language, and a logged-in user's own (their next login starts in it)."""
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang


@bp.route("/language", methods=["POST"])
def language():
    form = LanguageForm(current_app.config["LANGUAGES"])
    back = _safe_next(form.next.data) or url_for("main.home")
    # A language that is not one of ours changes nothing; the switch shows itself (the next
    # page is in the new language), so it flashes nothing.
    perform(form, lambda: _choose_language(form.lang.data), back, None)
    return redirect(back)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    done = perform(form, lambda: service.change_own_password(
        current_user, form.current_password.data, form.new_password.data),
        url_for("main.home"), _("Your password has been changed."))
    if done is not None:
        return done
    return form_page("auth/password.html", form=form)
