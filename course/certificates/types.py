"""Plain data for certificates: the render context, its labels, and how a name is shown.

Core module: standard library only (and the `N_` marker from `course.problems`). The render
context holds strings and dates, never ORM objects, so the template can reach nothing else
(Indico's receipts; docs/security.md CERT-2).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime

from course.names import fold_name
from course.problems import N_

LANGUAGES = ("uk", "en")
# The course's title, the same message as the course overview's heading.
COURSE_TITLE = N_("Countering human trafficking: a course for frontline practitioners")

# Bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). A name
# must not be able to reorder the text printed around it, or show one name while storing
# another (docs/security.md OUT-3, (b)§3). Dropping them shows the name in its stored order.
_BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")
_WHITESPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class CertificateLabels:
    """The fixed wording printed on a certificate, in one language."""

    heading: str
    certifies: str
    completed: str
    issued: str
    valid_until: str
    no_expiry: str
    content_version: str
    code: str
    verify_at: str
    sample: str
    modules: str
    hours: str
    issued_by: str


# English message ids, extracted by Babel; callers translate them with `translate_labels`.
LABEL_MESSAGES = CertificateLabels(
    heading=N_("Certificate of completion"),
    certifies=N_("This certifies that"),
    completed=N_("has successfully completed the course"),
    issued=N_("Date of issue"),
    valid_until=N_("Valid until"),
    no_expiry=N_("No expiry date"),
    content_version=N_("Course content version"),
    code=N_("Verification code"),
    verify_at=N_("Check this certificate at"),
    sample=N_("SAMPLE: not a valid certificate"),
    modules=N_("Modules completed"),
    hours=N_("Estimated study time, hours"),
    issued_by=N_("Issued by"),
)


def translate_labels(translate: Callable[[str], str]) -> CertificateLabels:
    """The labels passed through `translate` (a gettext for one language)."""
    return CertificateLabels(**{f.name: translate(getattr(LABEL_MESSAGES, f.name)) for f in fields(LABEL_MESSAGES)})


@dataclass(frozen=True, slots=True)
class CertificateContext:
    """Everything a certificate shows, as plain values. The renderer sees nothing else."""

    holder_name: str
    lang: str
    course_title: str
    course_title_en: str
    issued_on: date
    expires_on: date | None
    content_version: str
    code: str
    verify_url: str
    labels: CertificateLabels
    labels_en: CertificateLabels
    is_sample: bool = False
    modules: tuple[str, ...] = ()  # titles in the certificate's language, as at issue
    modules_en: tuple[str, ...] = ()
    hours: float | None = None  # estimated study time, from the modules' minutes
    issuer: str = ""

    def __post_init__(self) -> None:
        if self.lang not in LANGUAGES:
            raise ValueError(f"unsupported certificate language {self.lang!r}")


def display_name(name: str) -> str:
    """A name as printed and shown: NFC, no control or bidi-override characters, single spaces.

    Joiners (ZWJ in emoji sequences) and apostrophe variants are kept as typed.
    """
    text = unicodedata.normalize("NFC", name)
    text = _BIDI_CONTROLS.sub("", text)
    text = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return _WHITESPACE.sub(" ", text).strip()


def name_parts(name: str) -> list[str]:
    """The words of a displayed name."""
    return display_name(name).split(" ") if display_name(name) else []


def mask_name(name: str) -> str:
    """The holder's name masked for the public page: "Олена Петренко" -> "О. П*******"."""
    words = name_parts(name)
    if not words:
        return ""
    initials = [f"{word[0]}." for word in words[:-1]]
    last = words[-1]
    return " ".join([*initials, last[0] + "*" * (len(last) - 1)])


def _fold(text: str) -> str:
    """Case- and apostrophe-insensitive form for comparing a typed surname."""
    return fold_name(display_name(text))


def surname_matches(name: str, typed: str) -> bool:
    """Whether `typed` is one of the name's words (beyond the first), so the full name may show.

    Ukrainian documents put the surname first or last, so either end counts when the name has
    two words or more; a one-word name must be typed whole.
    """
    words = [_fold(word) for word in name_parts(name)]
    wanted = _fold(typed)
    if not wanted or not words:
        return False
    candidates = {words[0], words[-1]} if len(words) > 1 else {words[0]}
    return wanted in candidates


# Certificate states as the verification page and the admin list show them.
VALID = "valid"
EXPIRED = "expired"
REVOKED = "revoked"
SUPERSEDED = "superseded"
WITHDRAWN = "withdrawn"
STATES = (VALID, EXPIRED, REVOKED, SUPERSEDED, WITHDRAWN)


def certificate_status(
    *, revoked: bool, superseded: bool, withdrawn: bool, expires_at: datetime | None, now: datetime
) -> str:
    """One state, by precedence: withdrawn (holder erased), revoked, superseded, expired, valid."""
    if withdrawn:
        return WITHDRAWN
    if revoked:
        return REVOKED
    if superseded:
        return SUPERSEDED
    if expires_at is not None and now >= expires_at:
        return EXPIRED
    return VALID
