"""Language choice: stored on the account for learners, in a cookie for visitors; uk default."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Blueprint, current_app, g, make_response, redirect, request, url_for
from flask_login import current_user

from course.access import public
from course.accounts.models import User
from course.extensions import db
from course.security import safe_next
from course.unit_of_work import writes

LANG_COOKIE = "lang"
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """`?lang=` for this page only (a plain link; nothing stored), else the account's choice,
    else the visitor's cookie, else Ukrainian."""
    languages = current_app.config["LANGUAGES"]
    if request.query_string:  # most pages have none; parsing it costs
        asked = request.args.get("lang")
        if asked in languages:
            return asked
    user = current_user._get_current_object()
    if user.is_authenticated and user.locale in languages:
        return user.locale
    cookie = request.cookies.get(LANG_COOKIE, "")
    return cookie if cookie in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    if "lang" not in g:
        g.lang = select_locale()
    return g.lang


@bp.post("/language")
@public
@writes
def switch_language():
    """A POST form in the header, so it works without JavaScript and is CSRF-protected."""
    from course.accounts.forms import EmptyForm  # forms import Babel labels; avoid a cycle

    lang = request.form.get("lang", "")
    target = _without_lang(safe_next(request.form.get("next")) or url_for("content.overview"))
    if lang not in current_app.config["LANGUAGES"] or not EmptyForm().validate_on_submit():
        return redirect(target)
    if current_user.is_authenticated:
        db.session.get(User, current_user.id).locale = lang
        db.session.commit()
    response = make_response(redirect(target))
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def _without_lang(target: str) -> str:
    """The page to go back to, minus any `?lang=`, which would override the new choice."""
    parts = urlsplit(target)
    if "lang=" not in parts.query:
        return target
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"])
    return urlunsplit(("", "", parts.path, query, ""))


def init_app(app) -> None:
    app.jinja_env.globals["current_language"] = current_language
