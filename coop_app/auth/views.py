"""Login, logout, language and own password.

Logging in starts a session that stores the user's session version; the user loader
accepts a session only while its version is the user's, so logging out, changing one's
password or an admin's reset (each raises the version) ends every session of the user,
copied cookies included. Remember-me is not offered: a remember cookie carries no version,
so the loader would refuse the session it restores.

Failed logins are counted by auth/throttle.py in the database (per username and per client
address, shared by every worker); Flask-Limiter no longer limits the login, as it counted
every attempt, good ones included, per process and per address. Login and logout do not
run through `perform`: the throttle commits its own rows, logout commits the new version.

The language switch and the own password change run through the web kit's `perform`,
which commits and redirects, or rolls back and shows the form again (422) with the
service's message.
"""
import unicodedata
from urllib.parse import urlsplit

from flask import (Blueprint, current_app, flash, redirect,
                   render_template, request, session, url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user

from coop_app.extensions import db, login_manager
from coop_app.auth import service, throttle
from coop_app.auth.forms import LanguageForm, LoginForm, PasswordForm
from coop_app.auth.models import User
from coop_app.web import form_page, perform

bp = Blueprint("auth", __name__)

login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to open this page.")
login_manager.login_message_category = "warning"


SESSION_VERSION = "session_version"
MAX_NEXT_LENGTH = 2000


@login_manager.user_loader
def load_user(user_id):
    try:
        user = db.session.get(User, int(user_id))
    except (TypeError, ValueError, OverflowError):
        return None
    if user is None or not user.active or session.get(SESSION_VERSION) != user.session_version:
        return None
    return user


def _start_session(user):
    session.clear()
    login_user(user)
    session[SESSION_VERSION] = user.session_version
    if user.locale:
        session["lang"] = user.locale


def safe_next(target):
    """`target` when it is a path on this site, else None: no scheme or host, no `//` or
    backslash (browsers read `/\\host` as `//host`), no control, format or line-separator
    characters (a CR/LF would split the Location header) and not absurdly long."""
    if not target or len(target) > MAX_NEXT_LENGTH:
        return None
    if "\\" in target or any(unicodedata.category(char)[0] == "C"
                              or unicodedata.category(char) in ("Zl", "Zp") for char in target):
        return None
    if not target.startswith("/") or target.startswith("//"):
        return None
    try:
        parts = urlsplit(target)
    except ValueError:
        return None
    if parts.scheme or parts.netloc:
        return None
    return target


def _too_many_attempts(form):
    flash(_("Too many login attempts. Wait %(minutes)d minutes and try again.",
            minutes=current_app.config["LOGIN_FAILURE_WINDOW_MINUTES"]), "danger")
    return render_template("auth/login.html", form=form), 429


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data
        if throttle.begin_attempt(username, request.remote_addr) is None:
            return _too_many_attempts(form)
        user = service.authenticate(username, form.password.data)
        if user is None:  # the attempt stays counted as a failure
            flash(_("Wrong username or password."), "danger")
        else:
            throttle.succeeded(username)
            _start_session(user)
            return redirect(safe_next(request.args.get("next")) or url_for("main.home"))
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        service.end_sessions(current_user)  # every session of the user, copied cookies too
        db.session.commit()
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
    back = safe_next(form.next.data) or url_for("main.home")
    # A language that is not one of ours changes nothing; the switch shows itself (the next
    # page is in the new language), so it flashes nothing.
    perform(form, lambda: _choose_language(form.lang.data), back, None)
    return redirect(back)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = PasswordForm()
    done = perform(form, lambda: _keep_session(service.change_own_password(
        current_user, form.current_password.data, form.new_password.data)),
        url_for("main.home"), _("Your password has been changed."))
    if done is not None:
        return done
    return form_page("auth/password.html", form=form)


def _keep_session(version):
    """The password changed here: this session goes on with the new version (every other
    session of the user ended)."""
    session[SESSION_VERSION] = version
    return version
