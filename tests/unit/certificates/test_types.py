"""How a holder's name is printed, masked and confirmed (docs/security.md OUT-3, CERT-4)."""

from __future__ import annotations

import unicodedata
from datetime import date

import pytest

from course.certificates.types import (
    LABEL_MESSAGES,
    CertificateContext,
    display_name,
    mask_name,
    surname_matches,
    translate_labels,
)


def test_display_name_drops_bidi_controls_and_control_characters_OUT3():
    assert display_name("Ivan\u202eovonn\u2066 X\u2069") == "Ivanovonn X"
    assert display_name("Alice\r\n2026-01-01 INFO admin") == "Alice 2026-01-01 INFO admin"
    assert display_name("  Олена \t Петренко  ") == "Олена Петренко"


def test_display_name_is_nfc_and_keeps_apostrophes_and_joiners_OUT3():
    assert display_name(unicodedata.normalize("NFD", "Андрій")) == "Андрій"
    for name in ("Мар'яна", "Мар\u2019яна", "Мар\u02bcяна", "👩\u200d⚕️ Ann"):
        assert display_name(name) == name


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("Олена Петренко", "О. П*******"),
        ("Ґудзь-Їжакевич Олександра", "Ґ. О*********"),
        ("Anna Maria Smith", "A. M. S****"),
        ("Cher", "C***"),
        ("", ""),
    ],
)
def test_mask_name_shows_initials_and_the_length_of_the_last_word_CERT4(name, masked):
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Петренко", True),
        ("петренко", True),
        ("  ПЕТРЕНКО ", True),
        ("Петренк", False),
        ("Олена Петренко", False),
        ("", False),
        ("*", False),
    ],
)
def test_surname_confirmation_CERT4(typed, expected):
    assert surname_matches("Олена Петренко", typed) is expected


def test_surname_first_and_apostrophe_variants_confirm_CERT4():
    assert surname_matches("Ґудзь-Їжакевич Олександра", "ґудзь-їжакевич")
    assert surname_matches("Марія Мар'янович", "Мар\u2019янович")
    assert surname_matches("Марія Мар\u02bcянович", "Мар'янович")


def test_labels_are_translated_field_by_field():
    labels = translate_labels(lambda s: s.upper())
    assert labels.heading == LABEL_MESSAGES.heading.upper()


def test_context_refuses_an_unknown_language():
    with pytest.raises(ValueError):
        CertificateContext(
            holder_name="x",
            lang="de",
            course_title="x",
            course_title_en="x",
            issued_on=date(2026, 1, 1),
            expires_on=None,
            content_version="x",
            code="x",
            verify_url="x",
            labels=LABEL_MESSAGES,
            labels_en=LABEL_MESSAGES,
        )
