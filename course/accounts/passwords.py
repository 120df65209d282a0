"""Password policy and hashing (AUTH-1, AUTH-2). Core: stdlib and argon2-cffi only."""

from __future__ import annotations

import unicodedata
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from course.problems import N_

MIN_LENGTH = 12
MAX_LENGTH = 128
BLOCKLIST_FILE = Path(__file__).with_name("common-passwords.txt")

# argon2-cffi's defaults are RFC 9106 "low memory" (t=3, m=64 MiB, p=4): above ASVS5 App. C.
hasher = PasswordHasher()
# Verified when the e-mail is unknown, so both paths cost one argon2 check (AUTH-4 timing).
# A constant, not hashed at import: that cost every process (each worker, each CLI command) a
# tenth of a second. The cost of a check is set by the parameters written in the hash, and a
# test fails if they stop matching `hasher`'s (tests/security/test_passwords.py).
DUMMY_HASH = "$argon2id$v=19$m=65536,t=3,p=4$p52dm9EIy7Bz8jYQVKChyQ$1ZaIAk+EyD8QNXuWboEdqGVgSAoVnczJwwzgQZezXks"


def normalise(password: str) -> str:
    """NFKC, so a password typed as NFD on one keyboard logs in when typed as NFC on another."""
    return unicodedata.normalize("NFKC", password)


@cache
def blocklist() -> frozenset[str]:
    lines = BLOCKLIST_FILE.read_text(encoding="utf-8").split("\n")
    return frozenset(line.strip().lower() for line in lines if line.strip())


def password_problem(password: str, email: str = "", full_name: str = "") -> str | None:
    """Why this password is refused, or None. Length counts code points after NFKC."""
    if len(password) > MAX_LENGTH * 4:  # refuse huge inputs before normalising them
        return N_("Use at most 128 characters.")
    value = normalise(password)
    if len(value) < MIN_LENGTH:
        return N_("Use at least 12 characters. A phrase of several words is easy to remember.")
    if len(value) > MAX_LENGTH:
        return N_("Use at most 128 characters.")
    if "\x00" in value or not value.strip():
        return N_("This password cannot be used.")
    lowered = value.lower()
    personal = {email.lower(), email.lower().split("@")[0], full_name.lower().strip()}
    if lowered in blocklist() or lowered in personal:
        return N_("This password is too common or too easy to guess. Choose another.")
    return None


def hash_password(password: str) -> str:
    return hasher.hash(normalise(password))


def verify_password(stored_hash: str, password: str) -> bool:
    try:
        return hasher.verify(stored_hash, normalise(password))
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return hasher.check_needs_rehash(stored_hash)
