"""Settings: safe laptop defaults, overridden from the environment; documented in docs/deploy.md.

`SETTINGS` is the single list of environment settings; a test checks that docs/deploy.md
names each one.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

from course.clock import system_clock

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# name -> (default, what it is for); the default None means "computed", see resolve().
SETTINGS: dict[str, tuple[str | None, str]] = {
    "SECRET_KEY": (None, "signs sessions and CSRF tokens; generated into instance/ when unset"),
    "SECRET_KEY_FALLBACKS": ("", "comma-separated old keys still accepted while rotating"),
    "DATABASE_URL": (None, "SQLAlchemy URL; default sqlite:///instance/frontline.db"),
    "CONTENT_DIR": ("content", "folder with modules/, pages/, job-aids/"),
    "QUIZZES_DIR": ("quizzes", "folder with quiz files"),
    "CERTIFICATES_DIR": ("certificates", "folder with the certificate template and fonts"),
    "BASE_URL": ("http://127.0.0.1:5000", "public address used in QR codes and links"),
    "TRUSTED_HOSTS": ("", "comma-separated host names accepted in the Host header"),
    "SESSION_IDLE_MINUTES": ("60", "log out after this many idle minutes"),
    "SESSION_MAX_HOURS": ("12", "log out this many hours after login, however active"),
    "PROXY_HOPS": ("0", "number of reverse proxies in front (for the client IP)"),
    "LOG_LEVEL": ("INFO", "logging level"),
    "COMPRESS_RESPONSES": ("auto", "gzip text responses in the app: on, off, or auto (on unless PROXY_HOPS > 0)"),
    "TIMEZONE": ("Europe/Kyiv", "time zone in which times are shown to learners and admins"),
    "SMTP_HOST": ("", "SMTP server for e-mail; empty: no e-mail, links are shown to the admin instead"),
    "SMTP_PORT": ("587", "SMTP server port"),
    "SMTP_USERNAME": ("", "SMTP login; empty: no login"),
    "SMTP_PASSWORD": ("", "SMTP password"),
    "SMTP_SECURITY": ("starttls", "starttls, ssl (implicit TLS, usually port 465) or none (a local relay only)"),
    "MAIL_FROM": ("Frontline <noreply@localhost>", "the From address of every e-mail"),
    "MAIL_MAX_ATTEMPTS": ("8", "attempts before an e-mail is marked failed (back-off doubles, from 1 minute)"),
    "MAIL_TIMEOUT_SECONDS": ("30", "how long the worker waits for the SMTP server"),
    "INVITATION_DAYS": ("14", "how long the set-password link of an invitation works"),
    "REMINDER_STALLED_DAYS": ("7", "days without reading before a learner of a cohort with a due date is reminded"),
    "IMPORT_MAX_BYTES": ("2097152", "largest enrolment CSV accepted, in bytes"),
    "IMPORT_MAX_CHANGED_SHARE": ("0.25", "an import may change at most this share of existing learner accounts"),
    "REPORT_SUPPRESS_BELOW": ("5", "reports show counts from 1 to this minus 1 as '< N' (small communities)"),
    "REPORT_MIN_N": ("30", "item analysis flags a question only with at least this many answers"),
    "CONTENT_CHECK_SECONDS": ("2", "each process looks for a newly published course release at most this often"),
}
INT_SETTINGS = (
    "SMTP_PORT",
    "MAIL_MAX_ATTEMPTS",
    "MAIL_TIMEOUT_SECONDS",
    "INVITATION_DAYS",
    "REMINDER_STALLED_DAYS",
    "IMPORT_MAX_BYTES",
)


def instance_secret_key(instance_path: Path) -> str:
    """Read the generated key from instance/, creating it (mode 600) on first run."""
    key_file = instance_path / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    instance_path.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class BaseConfig:
    ENV_NAME = "base"
    DEBUG = False
    TESTING = False
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    WTF_CSRF_TIME_LIMIT = None  # CSRF-2: the token lives as long as the session
    # CSRF-1: checked by course.security.protect_unsafe_methods, which skips safe methods before
    # Flask-WTF's exemption lookup (a cost on every GET); every POST is still checked.
    WTF_CSRF_CHECK_DEFAULT = False
    MAX_CONTENT_LENGTH = 1024 * 1024  # OUT-7
    MAX_FORM_PARTS = 1000
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    # The cookie expires SESSION_MAX_HOURS after login; idle time is checked by the server
    # (course/security.py), so re-signing the cookie on every response buys nothing.
    SESSION_REFRESH_EACH_REQUEST = False
    BABEL_DEFAULT_LOCALE = "uk"
    LANGUAGES = ("uk", "en")
    LOGIN_FAILURES_PER_ACCOUNT = 5
    LOGIN_FAILURES_PER_IP = 10
    LOGIN_WINDOW_MINUTES = 15
    CLOCK = staticmethod(system_clock)
    HSTS = False
    PASSWORD_RESET_MINUTES = 60  # AUTH-5: a reset link works once, within the hour
    # DATA-2: how often each process looks whether an erasure elsewhere asks it to clear its
    # caches (course/caches.py): a name held in memory is gone within this many seconds.
    CACHE_CHECK_SECONDS = 1.0


class DevelopmentConfig(BaseConfig):
    ENV_NAME = "development"


class TestConfig(BaseConfig):
    ENV_NAME = "test"
    TESTING = True


class ProductionConfig(BaseConfig):
    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-session"
    HSTS = True


CONFIGS = {c.ENV_NAME: c for c in (DevelopmentConfig, TestConfig, ProductionConfig)}


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message says which and what to do."""


def resolve(config: dict, instance_path: Path, environ: dict[str, str]) -> None:
    """Fill settings from the environment (explicit config wins), then validate them."""

    def setting(name: str):
        return config.get(name) or environ.get(name) or SETTINGS[name][0]

    config.setdefault("DATABASE_URL", setting("DATABASE_URL") or f"sqlite:///{instance_path / 'frontline.db'}")
    config.setdefault("SQLALCHEMY_DATABASE_URI", config["DATABASE_URL"])
    for name in ("CONTENT_DIR", "QUIZZES_DIR", "CERTIFICATES_DIR"):
        config[name] = str(PROJECT_ROOT / str(setting(name)))
    config["BASE_URL"] = str(setting("BASE_URL")).rstrip("/")
    # Flask's defaults hold None for both lists, so explicit values and the environment are merged here.
    config["SECRET_KEY_FALLBACKS"] = _listed(setting("SECRET_KEY_FALLBACKS"))
    hosts = _listed(setting("TRUSTED_HOSTS"))
    if not hosts and config.get("ENV_NAME") == "production":
        hosts = [urlsplit(config["BASE_URL"]).hostname or ""]  # CSRF-4: never trust any Host in production
    config["TRUSTED_HOSTS"] = hosts or None
    config["SESSION_IDLE_MINUTES"] = int(str(setting("SESSION_IDLE_MINUTES")))
    config["SESSION_MAX_HOURS"] = int(str(setting("SESSION_MAX_HOURS")))
    config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=config["SESSION_MAX_HOURS"])
    config["PROXY_HOPS"] = int(str(setting("PROXY_HOPS")))
    config["LOG_LEVEL"] = str(setting("LOG_LEVEL"))
    config["COMPRESS_RESPONSES"] = str(setting("COMPRESS_RESPONSES"))
    config["TIMEZONE"] = _time_zone(str(setting("TIMEZONE")))
    config["BABEL_DEFAULT_TIMEZONE"] = config["TIMEZONE"]
    for name in ("SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD", "SMTP_SECURITY", "MAIL_FROM"):
        config[name] = str(setting(name))
    for name in INT_SETTINGS:
        config[name] = int(str(setting(name)))
    config["IMPORT_MAX_CHANGED_SHARE"] = float(str(setting("IMPORT_MAX_CHANGED_SHARE")))
    if config["SMTP_SECURITY"] not in ("starttls", "ssl", "none"):
        raise ConfigError("SMTP_SECURITY must be starttls, ssl or none")
    for name in ("REPORT_SUPPRESS_BELOW", "REPORT_MIN_N"):
        config[name] = _positive(name, setting(name))
    # Zero (look on every request) is a valid explicit value, so `setting()`'s `or` is not used.
    check = config["CONTENT_CHECK_SECONDS"] if "CONTENT_CHECK_SECONDS" in config else setting("CONTENT_CHECK_SECONDS")
    config["CONTENT_CHECK_SECONDS"] = _seconds("CONTENT_CHECK_SECONDS", check)
    _resolve_secret_key(config, instance_path, environ)


def _positive(name: str, value: object) -> int:
    """A whole number of at least 1, or ConfigError naming the setting."""
    text = str(value).strip()
    if not text.isdigit() or int(text) < 1:
        raise ConfigError(f"{name} must be a whole number of at least 1, not {text!r}")
    return int(text)


def _seconds(name: str, value: object) -> float:
    """A number of seconds, zero or more, or ConfigError naming the setting."""
    try:
        seconds = float(str(value).strip())
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses NaN
        raise ConfigError(f"{name} must be a number of seconds, zero or more, not {value!r}")
    return seconds


def _time_zone(name: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise ConfigError(f"TIMEZONE must be an IANA time zone such as Europe/Kyiv, got {name!r}") from error
    return name


def _listed(value: object) -> list[str]:
    """A comma-separated setting (environment) or a list (explicit config), as a clean list."""
    items = value.split(",") if isinstance(value, str) else list(value or [])  # type: ignore[call-overload]
    return [str(item).strip() for item in items if str(item).strip()]


def _resolve_secret_key(config: dict, instance_path: Path, environ: dict[str, str]) -> None:
    key = config.get("SECRET_KEY") or environ.get("SECRET_KEY")
    if config.get("ENV_NAME") == "production":
        if not key or len(key.encode()) < 32:  # HDR-4: never run production on a weak key
            raise ConfigError("SECRET_KEY must be set to at least 32 bytes in production")
    config["SECRET_KEY"] = key or instance_secret_key(instance_path)
