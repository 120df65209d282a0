"""Language choice: stored on the account for learners, in a cookie for visitors; uk default."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from babel.dates import get_timezone_location
from babel.numbers import format_decimal, format_percent
from flask import Blueprint, current_app, g, make_response, redirect, request, url_for
from flask_babel import format_date, format_time, get_locale, get_timezone, to_user_timezone
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
        if asked and asked in languages:
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
        db.session.get_one(User, current_user.id).locale = lang
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


def local_time(value: datetime | None) -> str:
    """A moment as learners and admins read it: the local date and time with the zone named,
    "3 груд. 2026 р., 11:21 (Київ, UTC+2)" (TIMEZONE; naive values from SQLite are UTC)."""
    if value is None:
        return ""
    local = to_user_timezone(value if value.tzinfo else value.replace(tzinfo=UTC))
    offset = local.utcoffset() or timedelta()
    hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
    zone = f"UTC{hours:+d}" + (f":{minutes:02d}" if minutes else "")
    city = get_timezone_location(get_timezone(), locale=get_locale(), return_city=True)
    return f"{format_date(local, 'medium', rebase=False)}, {format_time(local, 'HH:mm', rebase=False)} ({city}, {zone})"


def local_day(value: date | datetime | None) -> str:
    """A date in the locale's unambiguous form ("3 груд. 2026 р.", "Dec 3, 2026"), never the
    US "12/3/26"; a moment is first moved to local time."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = to_user_timezone(value if value.tzinfo else value.replace(tzinfo=UTC)).date()
    return format_date(value, "medium")


def percent(value: float | int | None) -> str:
    """A percentage in the locale's form, rounded to one decimal the same way everywhere:
    "61,5%" in Ukrainian, "61.5%" in English, "100%" (learner and admin pages alike)."""
    number = round(float(value or 0), 1)
    pattern = _percent_pattern(str(get_locale()))
    return format_percent(number / 100, pattern, locale=get_locale(), decimal_quantization=False)


def _percent_pattern(locale: str) -> str:
    from babel import Locale

    return Locale.parse(locale).percent_formats[None].pattern.replace("0%", "0.#%")


def number(value: float | int | None) -> str:
    """A number with the locale's decimal sign, at most two decimals ("1,5", "2")."""
    return format_decimal(round(float(value or 0), 2), "#,##0.##", locale=get_locale())


def init_app(app) -> None:
    app.jinja_env.filters["percent"] = percent
    app.jinja_env.filters["number"] = number
    app.jinja_env.globals["current_language"] = current_language
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.filters["local_day"] = local_day
