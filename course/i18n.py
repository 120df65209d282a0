"""Language choice: stored on the account for learners, in a cookie for visitors; uk default."""

from __future__ import annotations

from flask import Blueprint, current_app, g, make_response, redirect, request, url_for
from flask_login import current_user

from course.access import public
from course.extensions import db
from course.security import safe_next

LANG_COOKIE = "lang"
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    cookie = request.cookies.get(LANG_COOKIE, "")
    return cookie if cookie in languages else current_app.config["BABEL_DEFAULT_LOCALE"]


def current_language() -> str:
    if "lang" not in g:
        g.lang = select_locale()
    return g.lang


@bp.post("/language")
@public
def switch_language():
    """A POST form in the header, so it works without JavaScript and is CSRF-protected."""
    from course.accounts.forms import EmptyForm  # forms import Babel labels; avoid a cycle

    lang = request.form.get("lang", "")
    target = safe_next(request.form.get("next")) or url_for("content.overview")
    if lang not in current_app.config["LANGUAGES"] or not EmptyForm().validate_on_submit():
        return redirect(target)
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    response = make_response(redirect(target))
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


def init_app(app) -> None:
    app.jinja_env.globals["current_language"] = current_language
