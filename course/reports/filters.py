"""Report parameters: parsed from the query string against allow-lists, or a clear refusal. Pure.

Every value that reaches a query comes from here: a region, organisation type or language
from the fixed lists, an ISO date, a breakdown or attempt policy by name (OUT-5). Anything
else raises `BadParameter` with a message for the user (the view answers 400 in their
language). Must not import flask or the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from course.accounts.choices import ORG_TYPES, REGIONS
from course.problems import N_
from course.reports.items import POLICIES

LANGUAGES = ("uk", "en")
PERIOD_BASES = ("registration", "activity")
BREAKDOWNS = ("none", "region", "org_type", "lang")
# "language", not "lang": `?lang=` already chooses the page's interface language (course/i18n.py).
COMMON = ("region", "org_type", "language", "period", "from", "to")


class BadParameter(ValueError):
    """A report parameter outside its allow-list; `message` is translatable, `params` fill it."""

    def __init__(self, name: str, message: str, **params: object) -> None:
        super().__init__(f"{name}: {message}")
        self.name = name
        self.message = message
        self.params = {"name": name, **params}


@dataclass(frozen=True, slots=True)
class Filters:
    """Who is counted: the population every report starts from (course/reports/population.py)."""

    region: str | None = None
    org_type: str | None = None
    lang: str | None = None
    period: str = "registration"
    start: date | None = None
    end: date | None = None

    def as_args(self) -> dict[str, str]:
        """The filters as query parameters (for links and the CSV's first rows)."""
        args = {"region": self.region, "org_type": self.org_type, "language": self.lang, "period": self.period}
        args.update({"from": _iso(self.start), "to": _iso(self.end)})
        return {key: value for key, value in args.items() if value}

    def without_lang(self) -> Filters:
        return Filters(self.region, self.org_type, None, self.period, self.start, self.end)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _choice(args: Mapping[str, str], name: str, allowed: Sequence[str], default: str | None = None) -> str | None:
    value = (args.get(name) or "").strip()
    if not value:
        return default
    if value not in allowed:
        raise BadParameter(name, N_("'{value}' is not one of the values allowed for '{name}'."), value=value[:40])
    return value


def _date(args: Mapping[str, str], name: str) -> date | None:
    value = (args.get(name) or "").strip()
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        parsed = None
    if parsed is None:
        raise BadParameter(name, N_("'{name}' must be a date written as YYYY-MM-DD."), value=value[:40])
    return parsed


def check_names(args: Mapping[str, str], allowed: Sequence[str]) -> None:
    """Refuse parameters this report does not take (a typo would otherwise be silently ignored)."""
    for name in args:
        if name not in allowed and name != "lang":  # ?lang= is the interface language, on every page
            raise BadParameter(name[:40], N_("this report has no parameter called '{name}'."))


def parse_filters(args: Mapping[str, str]) -> Filters:
    """The population filters from the query string, or BadParameter."""
    start, end = _date(args, "from"), _date(args, "to")
    if start and end and start > end:
        raise BadParameter("from", N_("the period starts after it ends."))
    return Filters(
        region=_choice(args, "region", tuple(REGIONS)),
        org_type=_choice(args, "org_type", tuple(ORG_TYPES)),
        lang=_choice(args, "language", LANGUAGES),
        period=_choice(args, "period", PERIOD_BASES, "registration") or "registration",
        start=start,
        end=end,
    )


def parse_breakdown(args: Mapping[str, str]) -> str:
    return _choice(args, "by", BREAKDOWNS, "none") or "none"


def parse_policy(args: Mapping[str, str]) -> str:
    return _choice(args, "policy", POLICIES, "first") or "first"


def parse_choice(args: Mapping[str, str], name: str, allowed: Sequence[str], default: str | None) -> str | None:
    """Any other named choice (a quiz id, a content version) from a list the view supplies."""
    return _choice(args, name, allowed, default)
