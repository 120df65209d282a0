"""Certificate settings, read once from the app config into a plain, validated value.

Core module: standard library and this domain's core. Services receive a
`CertificateSettings`, never `current_app.config`. Every name here is also in
`course.config.SETTINGS`, documented in docs/deploy.md and the README.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from course.certificates.codes import check_base_url
from course.certificates.eligibility import DEFAULT_RULE, EligibilityRule

# name -> (default, what it is for), merged into course.config.SETTINGS.
SETTINGS: dict[str, tuple[str, str]] = {
    "CERTIFICATE_ELIGIBILITY": (
        DEFAULT_RULE,
        "what earns a certificate: lessons, quizzes (module quizzes), final, joined with +",
    ),
    "CERTIFICATE_VALID_DAYS": ("0", "days a certificate stays valid; 0 means it never expires"),
    "VERIFY_LIMIT_PER_IP": ("20", "failed lookups allowed per client IP, code prefix or certificate per window"),
    "VERIFY_WINDOW_MINUTES": ("10", "length of the verification rate-limit window"),
    "CERTIFICATE_ISSUER": ("Frontline", "the issuing body printed on certificates (frozen into each at issue)"),
}


class CertificateSettingsError(ValueError):
    """A certificate setting is invalid; the message names it."""


@dataclass(frozen=True, slots=True)
class CertificateSettings:
    base_url: str
    template_dir: Path
    translations_dir: Path
    rule: EligibilityRule
    valid_days: int
    verify_limit: int
    verify_window: timedelta
    timezone: str = "Europe/Kyiv"  # the date printed is the local date of issue (TIMEZONE)
    issuer: str = "Frontline"

    @property
    def validity(self) -> timedelta | None:
        """How long a new certificate is valid, or None when certificates do not expire."""
        return timedelta(days=self.valid_days) if self.valid_days else None


def settings_from(config: Mapping[str, object], translations_dir: Path) -> CertificateSettings:
    """Parse and check the certificate settings in `config` (the Flask config mapping)."""

    def value(name: str) -> str:
        raw = config.get(name)
        return str(SETTINGS[name][0] if raw is None or raw == "" else raw).strip()

    def whole(name: str, minimum: int) -> int:
        try:
            number = int(value(name))
        except ValueError:
            raise CertificateSettingsError(f"{name} must be a whole number") from None
        if number < minimum:
            raise CertificateSettingsError(f"{name} must be at least {minimum}")
        return number

    try:
        base_url = check_base_url(str(config.get("BASE_URL") or ""))
        rule = EligibilityRule.parse(value("CERTIFICATE_ELIGIBILITY"))
    except ValueError as exc:
        raise CertificateSettingsError(str(exc)) from None
    return CertificateSettings(
        base_url=base_url,
        template_dir=Path(str(config.get("CERTIFICATES_DIR") or "certificates")),
        translations_dir=translations_dir,
        rule=rule,
        valid_days=whole("CERTIFICATE_VALID_DAYS", 0),
        verify_limit=whole("VERIFY_LIMIT_PER_IP", 1),
        verify_window=timedelta(minutes=whole("VERIFY_WINDOW_MINUTES", 1)),
        timezone=str(config.get("TIMEZONE") or "Europe/Kyiv"),
        issuer=value("CERTIFICATE_ISSUER")[:200],
    )
