"""Mail settings read from the app's config, in one place (wiring: the only module here that
reads current_app.config)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from urllib.parse import urlsplit

from course.mail.smtp import SmtpSettings
from course.mail.worker import WorkerSettings


def smtp_settings(config: Mapping) -> SmtpSettings:
    return SmtpSettings(
        host=config["SMTP_HOST"],
        port=config["SMTP_PORT"],
        username=config["SMTP_USERNAME"],
        password=config["SMTP_PASSWORD"],
        security=config["SMTP_SECURITY"],
        sender=config["MAIL_FROM"],
        timeout=float(config["MAIL_TIMEOUT_SECONDS"]),
    )


def mail_enabled(config: Mapping) -> bool:
    """No SMTP_HOST: nothing is e-mailed; one-time links are shown to the admin instead."""
    return bool(config.get("SMTP_HOST"))


def worker_settings(config: Mapping) -> WorkerSettings:
    from course.security import external_url

    return WorkerSettings(
        smtp=smtp_settings(config),
        max_attempts=config["MAIL_MAX_ATTEMPTS"],
        reset_ttl=timedelta(minutes=config["PASSWORD_RESET_MINUTES"]),
        invitation_ttl=timedelta(days=config["INVITATION_DAYS"]),
        link=external_url,
        message_domain=urlsplit(config["BASE_URL"]).hostname or "frontline.invalid",
    )
