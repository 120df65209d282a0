"""Verification codes and verification URLs. Core: standard library only.

A code is 140 random bits from `secrets`, written as 28 characters of Crockford's base32
(digits and upper-case letters without I, L, O, U, so nothing is ambiguous when read aloud
or retyped from paper) and printed in seven groups of four: `7K3M-Q9XD-...`. 140 bits is
above the 128 the issue asks for and fills the groups exactly. Typed codes are forgiving:
case, spaces and hyphens are ignored and O/I/L read as 0/1/1, as Crockford specifies.

Absolute URLs are built from the configured BASE_URL only, never from a request's Host
header (docs/security.md CSRF-4), so a spoofed host can never end up in a QR code.
"""

from __future__ import annotations

import secrets
from functools import lru_cache
from urllib.parse import urlsplit

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_BITS = 140
CODE_LENGTH = CODE_BITS // 5  # 28 characters
GROUP = 4
# Longest input worth normalising: the grouped form plus generous spacing. Anything longer
# is refused before any work is done (docs/security.md (b)§7: 10 kB codes).
MAX_TYPED_LENGTH = 64
_TYPO = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = str.maketrans("", "", "- \t")
_ALLOWED = frozenset(ALPHABET)


def new_code() -> str:
    """A fresh canonical code: 28 Crockford base32 characters carrying 140 random bits."""
    value = secrets.randbits(CODE_BITS)
    chars = []
    for _ in range(CODE_LENGTH):
        value, digit = divmod(value, 32)
        chars.append(ALPHABET[digit])
    return "".join(reversed(chars))


def format_code(code: str) -> str:
    """The canonical code in readable groups of four, joined by hyphens."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize_code(typed: str) -> str | None:
    """The canonical code for what a person typed or scanned, or None if it cannot be one."""
    if not isinstance(typed, str) or len(typed) > MAX_TYPED_LENGTH or not typed.isascii():
        return None
    return _canonical(typed)


@lru_cache(maxsize=4096)  # the same printed code is scanned again and again
def _canonical(typed: str) -> str | None:
    candidate = typed.strip().upper().translate(_SEPARATORS).translate(_TYPO)
    if len(candidate) != CODE_LENGTH or not set(candidate) <= _ALLOWED:
        return None
    return candidate


def check_base_url(base_url: str) -> str:
    """BASE_URL without a trailing slash; ValueError unless it is an absolute http(s) URL."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"BASE_URL must be an absolute http(s) URL, got {base_url!r}")
    if parts.query or parts.fragment or "@" in parts.netloc:
        raise ValueError(f"BASE_URL must not carry credentials, a query or a fragment: {base_url!r}")
    return base_url.rstrip("/")


def verification_url(base_url: str, code: str) -> str:
    """The public verification page for `code`, under the configured BASE_URL."""
    return f"{check_base_url(base_url)}/verify/{format_code(code)}"
