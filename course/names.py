"""One way to compare people's names: apostrophe variants are one letter, case is folded.

Ukrainian names carry an apostrophe (Мар'яна, О'Коннор) typed three ways: ASCII `'`, the
typographic U+2019 that phones and Ukrainian keyboards produce, and the modifier letter U+02BC
that the orthography prescribes. Whoever compares or searches names (the verification page's
surname check, the admin searches) uses these, so one typed form finds all three. Core: stdlib.
"""

from __future__ import annotations

APOSTROPHE = "'"
APOSTROPHE_VARIANTS = ("\u2019", "\u02bc")  # ’ and ʼ, both read as '


def fold_apostrophes(text: str) -> str:
    for variant in APOSTROPHE_VARIANTS:
        text = text.replace(variant, APOSTROPHE)
    return text


def fold_name(text: str) -> str:
    """The form two names are compared in: one apostrophe, case folded."""
    return fold_apostrophes(text).casefold()
