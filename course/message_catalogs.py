"""The compiled message catalogs, read without Flask: for what is printed or mailed outside a
request (certificates, e-mail), in the reader's language.

Core module: plain Babel. Certificates use it apart from `certificates.render`, which imports
WeasyPrint, so that a process that prints nothing never loads it.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from babel.support import Translations


@lru_cache(maxsize=8)
def translator(lang: str, translations_dir: str | Path) -> Callable[[str], str]:
    """A gettext for `lang` from the compiled catalogs (the same ones Flask-Babel uses).
    English is the source language, so a missing catalog falls back to the message ids."""
    return Translations.load(str(translations_dir), [lang], domain="messages").gettext


def translations_dir() -> str:
    return str(Path(__file__).resolve().parent / "translations")
