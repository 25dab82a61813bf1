"""Running a service from a submitted form, once.

Forms that post money carry a submission key that becomes the journal entry's idempotency
key, so the service itself answers a retry with the first entry (`replayed`). Forms that
post no entry (an application, an approval) are remembered in the browser's session by
their key: a double click or a refresh then goes where the first submission went.
"""
from flask import flash, redirect, session
from flask_babel import gettext as _

from coop_app.errors import DomainError
from coop_app.extensions import db
from coop_app.web.refusal import refuse

REMEMBERED_SUBMISSIONS = 20
SESSION_KEY = "submissions"


def _remembered():
    return session.get(SESSION_KEY, [])


def remember(key, url):
    """Remember where the submission with `key` went (the newest few are kept)."""
    done = [item for item in _remembered() if item[0] != key]
    session[SESSION_KEY] = (done + [[key, url]])[-REMEMBERED_SUBMISSIONS:]


def replay(key):
    """A redirect to where this browser's earlier submission with `key` went, or None."""
    for done, url in _remembered():
        if key and done == key:
            flash(_("This was already recorded; nothing new was done."), "info")
            return redirect(url)
    return None


def perform(form, call, success_url, message, fields=None, replayed_message=None, confirm=None):
    """Validate `form` and run `call()` (one service call) once.

    Returns a redirect when the work is done (or was done before: a known submission key,
    or a service result with `replayed` set, posts nothing new), or None when the form is
    to be shown again: not submitted, invalid, or refused by the service (its message is on
    the form, see refuse). `success_url` and `message` may be functions of the result; they
    are read before the commit, while the result is fresh; a message of None flashes nothing.

    With `replayed_message` the service is idempotent itself (the key is its entry's
    idempotency key): it answers a repeated key with the first result, whichever browser
    sent it, and that message names it. Without, this browser's session remembers the key.

    `confirm` (a money form's second thoughts, web.confirmations.ask) runs after the form
    is valid and before the service: when it answers True, the form is shown again with its
    warnings and boxes to tick (422) and nothing is posted.
    """
    if not form.validate_on_submit():
        return None
    key = form.key.data if "key" in form and replayed_message is None else None
    known = replay(key)
    if known is not None:
        return known
    if confirm is not None and confirm():
        return None
    try:
        result = call()
    except DomainError as error:
        refuse(error, form, fields)
        return None
    url = success_url(result) if callable(success_url) else success_url
    if getattr(result, "replayed", False):
        db.session.rollback()
        text = replayed_message(result) if callable(replayed_message) else replayed_message
        flash(text or _("This was already recorded; nothing new was done."), "info")
    else:
        text = message(result) if callable(message) else message
        db.session.commit()
        if text:  # None: the next page shows what was done (a language switch)
            flash(text, "success")
    if key:
        remember(key, url)
    return redirect(url)
