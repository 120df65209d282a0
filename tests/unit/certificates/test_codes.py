"""Verification codes and URLs (docs/security.md CERT-3, CSRF-4, (b)§7 bad codes)."""

from __future__ import annotations

import re

import pytest

from course.certificates.codes import (
    ALPHABET,
    CODE_BITS,
    CODE_LENGTH,
    check_base_url,
    format_code,
    new_code,
    normalize_code,
    verification_url,
)


def test_code_carries_at_least_128_random_bits_CERT3():
    assert CODE_BITS >= 128
    assert len(ALPHABET) ** CODE_LENGTH >= 2**128
    code = new_code()
    assert len(code) == CODE_LENGTH >= 22
    assert set(code) <= set(ALPHABET)


def test_thousand_codes_are_unique_and_url_safe_CERT3():
    codes = {new_code() for _ in range(1000)}
    assert len(codes) == 1000
    assert all(re.fullmatch(r"[0-9A-Z]{28}", code) for code in codes)
    # every character position varies: no constant prefix wasting entropy
    assert all(len({code[i] for code in codes}) > 16 for i in range(1, CODE_LENGTH))


def test_printed_code_is_in_groups_of_four():
    code = new_code()
    printed = format_code(code)
    assert re.fullmatch(r"([0-9A-Z]{4}-){6}[0-9A-Z]{4}", printed)
    assert printed.replace("-", "") == code


TYPED = {
    "as printed": lambda c: format_code(c),
    "lower case": lambda c: format_code(c).lower(),
    "spaces": lambda c: " ".join(format_code(c).split("-")),
    "no separators": lambda c: c,
    "surrounding blanks": lambda c: f"  {format_code(c)}\t",
}


@pytest.mark.parametrize("typing", TYPED.values(), ids=TYPED.keys())
def test_typed_code_variants_normalise_to_the_code_CERT3(typing):
    code = new_code()
    assert normalize_code(typing(code)) == code


def test_crockford_look_alikes_are_read_as_digits():
    code = "0" * 27 + "1"
    assert normalize_code("O" * 27 + "I") == code
    assert normalize_code("o" * 27 + "l") == code


BAD_CODES = {
    "empty": "",
    "blank": "   ",
    "short": "ABCD-EFGH",
    "one too long": "0" * 29,
    "overlong 10 kB": "A" * 10_240,
    "path traversal": "../../etc/passwd",
    "nul": "%00",
    "nul raw": "0" * 27 + "\x00",
    "sql": "' OR '1'='1",
    "sql drop": "Robert'); DROP TABLE users;--",
    "cyrillic look-alike": "А" * 28,  # U+0410
    "fullwidth digits": "０" * 28,
    "u excluded": "U" * 28,
    "emoji": "😀" * 28,
    "rtl override": "\u202e" + "0" * 28,
}


@pytest.mark.parametrize("typed", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_malformed_codes_are_refused_before_any_lookup_CERT3(typed):
    assert normalize_code(typed) is None


def test_verification_url_comes_from_base_url_only_CSRF4():
    code = new_code()
    url = verification_url("https://frontline.example.org/", code)
    assert url == f"https://frontline.example.org/verify/{format_code(code)}"
    assert verification_url("http://127.0.0.1:5000/course", code).startswith("http://127.0.0.1:5000/course/verify/")


@pytest.mark.parametrize(
    "base_url",
    [
        "",
        "frontline.example.org",
        "//evil.example",
        "javascript:alert(1)",
        "ftp://x.org",
        "https://user:pw@evil.example",
        "https://x.org/?next=evil",
        "https://x.org/#frag",
        "https://",
    ],
)
def test_bad_base_url_is_refused_CSRF4(base_url):
    with pytest.raises(ValueError):
        check_base_url(base_url)
