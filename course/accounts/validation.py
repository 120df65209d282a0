"""Names and e-mails: normalised and validated once, before they reach any sink (OUT-3).

Core: stdlib only. Apostrophe variants (Мар'яна, Мар’яна, Марʼяна) are kept as typed.
"""

from __future__ import annotations

import re
import unicodedata

from course.problems import N_

MAX_NAME = 100
MAX_EMAIL = 254
# Bidirectional overrides and isolates can make "Олена" display as something else in a PDF.
BIDI_CONTROLS = set("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")
EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s.][^@\s]*\.[^@\s.]{2,}$")


def clean_text(value: str) -> str:
    """NFC and trimmed: `й` typed as и + U+0306 is stored as the single letter."""
    return unicodedata.normalize("NFC", value).strip()


def name_problem(value: str, required: bool = True) -> str | None:
    """Why a name, organisation or position is refused, or None."""
    if not value:
        return N_("Please fill in this field.") if required else None
    if len(value) > MAX_NAME:
        return N_("Use at most 100 characters.")
    for char in value:
        if char in BIDI_CONTROLS or unicodedata.category(char) in ("Cc", "Cf", "Zl", "Zp"):
            if char not in "\u200d":  # the zero-width joiner is part of some emoji
                return N_("Remove invisible or control characters from this field.")
    return None


def clean_email(value: str) -> str:
    """E-mails compare case-insensitively: Olena@Example.org and olena@example.org are one."""
    return clean_text(value).lower()


def email_problem(value: str) -> str | None:
    if len(value) > MAX_EMAIL or not EMAIL.match(value):
        return N_("Enter an e-mail address such as name@example.org.")
    if any(unicodedata.category(c).startswith("C") for c in value):
        return N_("Enter an e-mail address such as name@example.org.")
    return None
