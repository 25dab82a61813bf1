"""Users and role grants, as the admin manages them."""
import re
import secrets
import threading

from flask import current_app
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.security import check_password_hash, generate_password_hash

from coop_app.errors import DomainError, InvalidField, NotFound
from coop_app.extensions import db
from coop_app.cooperatives import regions
from coop_app.auth.models import ADMIN, COOPERATIVE_ROLES, ROLES, RoleGrant, User

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._\-]{2,63}$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
# zxcvbn's score from 0 (a top-10 password) to 4; 3 is "safely unguessable" (about 10^8
# guesses and more). Only the first characters are scored: zxcvbn slows down with the
# length, and a password whose first 72 characters are weak is weak.
MIN_STRENGTH = 3
STRENGTH_CHECKED_LENGTH = 72
PASSWORD_RULE = _l("At least 10 characters, not a common password, not easy to guess and "
                   "without the username. A few uncommon words are easy to remember and hard to guess.")

# zxcvbn's warnings (a fixed set, in English) in the reader's language.
STRENGTH_WARNINGS = {
    "Straight rows of keys are easy to guess.": _l("Straight rows of keys are easy to guess."),
    "Short keyboard patterns are easy to guess.": _l("Short keyboard patterns are easy to guess."),
    'Repeats like "aaa" are easy to guess.': _l('Repeats like "aaa" are easy to guess.'),
    'Repeats like "abcabcabc" are only slightly harder to guess than "abc".':
        _l('Repeats like "abcabcabc" are only slightly harder to guess than "abc".'),
    'Sequences like "abc" or "6543" are easy to guess.':
        _l('Sequences like "abc" or "6543" are easy to guess.'),
    "Recent years are easy to guess.": _l("Recent years are easy to guess."),
    "Dates are often easy to guess.": _l("Dates are often easy to guess."),
    "This is a top-10 common password.": _l("This is one of the most common passwords."),
    "This is a top-100 common password.": _l("This is one of the most common passwords."),
    "This is a very common password.": _l("This is a very common password."),
    "This is similar to a commonly used password.": _l("This is similar to a commonly used password."),
    "A word by itself is easy to guess.": _l("A word by itself is easy to guess."),
    "Names and surnames by themselves are easy to guess.":
        _l("Names and surnames by themselves are easy to guess."),
    "Common names and surnames are easy to guess.": _l("Common names and surnames are easy to guess."),
}
_STRENGTH_LOCK = threading.Lock()


def password_strength(password, username=""):
    """zxcvbn's score (0 to 4) and warning (English, or empty) for the password, the
    username and its parts counting as easy words."""
    from zxcvbn import zxcvbn  # imported on first use: it builds its word lists (60 ms)

    inputs = [username] + [part for part in re.split(r"[._\-]+", username) if len(part) > 1]
    with _STRENGTH_LOCK:  # zxcvbn keeps the user inputs in a module global
        result = zxcvbn(password[:STRENGTH_CHECKED_LENGTH], user_inputs=inputs,
                        max_length=STRENGTH_CHECKED_LENGTH)
    return result["score"], result["feedback"]["warning"]


def check_password(password, username=""):
    """Refuse a password that is short, contains the username, or is common or easy to
    guess (zxcvbn). Applies when a password is set: older, weaker ones still log in."""
    username = (username or "").strip().lower()
    if not password or len(password) < MIN_PASSWORD:
        raise DomainError(_l("A password has at least 10 characters."))
    if len(password) > MAX_PASSWORD:
        raise DomainError(_l("The password is too long."))
    if username and username in password.lower():
        raise DomainError(_l("A password may not contain the username."))
    score, warning = password_strength(password, username)
    if score < MIN_STRENGTH:
        reason = STRENGTH_WARNINGS.get(warning)
        if reason is None:
            raise DomainError(_l("This password is too easy to guess. Add another word or two: "
                                 "uncommon words are better."))
        raise DomainError(_l("This password is too easy to guess: %(reason)s Add another word "
                             "or two: uncommon words are better.", reason=reason))


def create_user(username, full_name, password):
    username = (username or "").strip().lower()
    full_name = (full_name or "").strip()
    if not USERNAME.match(username):
        raise DomainError(_l("A username is 3 to 64 lowercase letters, digits, dots, dashes "
                             "or underscores."))
    if not full_name or len(full_name) > 200:
        raise DomainError(_l("Fill in the full name (at most 200 characters)."))
    check_password(password, username)
    if db.session.execute(select(User.id).where(User.username == username)).first():
        raise DomainError(_l("Username %(name)s is already taken.", name=username))
    user = User(username=username, full_name=full_name)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    return user


def get_user(user_id):
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_l("User not found."))
    return user


def update_user(user_id, full_name, active, new_password=None, acting_user_id=None):
    user = get_user(user_id)
    full_name = (full_name or "").strip()
    if not full_name or len(full_name) > 200:
        raise DomainError(_l("Fill in the full name (at most 200 characters)."))
    if not active and user.id == acting_user_id:
        raise DomainError(_l("You cannot deactivate your own account."))
    user.full_name = full_name
    user.active = bool(active)
    if new_password:
        check_password(new_password, user.username)
        user.set_password(new_password)
        end_sessions(user)  # a reset password ends every session of the user
    db.session.flush()
    return user


def change_own_password(user, current_password, new_password):
    """Change the user's password and end every session of theirs. Returns the new session
    version: the session they changed it in keeps going when it stores that version."""
    if not user.check_password(current_password or ""):
        raise DomainError(_l("The current password is not correct."))
    check_password(new_password, user.username)
    user.set_password(new_password)
    return end_sessions(user)


def end_sessions(user):
    """Raise the user's session version: every session that stored the old one (every
    browser, every copied cookie) is no longer logged in. Returns the new version.

    One UPDATE adds 1 in the database, so two at once both count; like the session itself
    it is not audited (a password change is, by its hash)."""
    db.session.execute(update(User).where(User.id == user.id)
                       .values(session_version=User.session_version + 1)
                       .execution_options(synchronize_session=False))
    db.session.expire(user, ["session_version"])
    return user.session_version


def grant_role(user_id, role, cooperative_id=None, scope_province=None, scope_kabupaten=None):
    user = get_user(user_id)
    if role not in ROLES:
        raise DomainError(_l("Unknown role."))
    scope_province = (scope_province or "").strip() or None
    scope_kabupaten = (scope_kabupaten or "").strip() or None
    if role in COOPERATIVE_ROLES:
        if cooperative_id is None:
            raise DomainError(_l("Choose the cooperative for this role."))
        scope_province = scope_kabupaten = None
    else:
        cooperative_id = None
        if role == ADMIN:
            scope_province = scope_kabupaten = None
        else:
            scope_province, scope_kabupaten = _auditor_scope(scope_province, scope_kabupaten)
    for grant in user.grants:
        if (grant.role, grant.cooperative_id, grant.scope_province, grant.scope_kabupaten) == (
                role, cooperative_id, scope_province, scope_kabupaten):
            raise DomainError(_l("The user already holds this role."))
    grant = RoleGrant(user=user, role=role, cooperative_id=cooperative_id,
                      scope_province=scope_province, scope_kabupaten=scope_kabupaten)
    db.session.add(grant)
    db.session.flush()
    return grant


def _auditor_scope(province, kabupaten):
    """An auditor's region as codes of the official list: a province and a kabupaten/kota
    within it (each a code, or a name as people write it, "Jateng"); a kabupaten alone
    names its province."""
    province_code = regions.match_province(province) if province else None
    if province and province_code is None:
        raise InvalidField("scope_province", _l("%(name)s is not a province of the official list.",
                                                name=province))
    kabupaten_code = regions.match_kabupaten(kabupaten, province_code) if kabupaten else None
    if kabupaten and kabupaten_code is None:
        if province_code and regions.match_kabupaten(kabupaten):
            raise InvalidField("scope_kabupaten", _l("%(name)s is not in the chosen province.",
                                                     name=regions.name_of(regions.match_kabupaten(kabupaten))))
        raise InvalidField("scope_kabupaten", _l("%(name)s is not a kabupaten/kota of the official list.",
                                                 name=kabupaten))
    if kabupaten_code and province_code is None:
        province_code = regions.parent_code(kabupaten_code)
    return province_code, kabupaten_code


def revoke_role(grant_id, acting_user_id=None):
    grant = db.session.get(RoleGrant, grant_id)
    if grant is None:
        raise NotFound(_l("Role not found."))
    if grant.role == ADMIN and grant.user_id == acting_user_id:
        raise DomainError(_l("You cannot remove your own admin role."))
    db.session.delete(grant)
    db.session.flush()


_DUMMY_HASHES = {}


def _dummy_hash():
    """A hash of a random password with the configured method, made once per process: an
    unknown or inactive user's login checks against it, so that it takes as long as a wrong
    password and the time tells nobody which usernames exist."""
    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASHES:
        _DUMMY_HASHES[method] = generate_password_hash(secrets.token_urlsafe(16), method=method)
    return _DUMMY_HASHES[method]


def authenticate(username, password):
    """The active user with this username and password, or None; as slow either way."""
    user = db.session.execute(
        select(User).where(User.username == (username or "").strip().lower())).scalar_one_or_none()
    if user is None or not user.active:
        check_password_hash(_dummy_hash(), password or "")
        return None
    if not user.check_password(password or ""):
        return None
    return user


