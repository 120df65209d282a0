"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from course import create_app
from course.config import ConfigError

try:
    app = create_app()
except ConfigError as problem:  # HDR-4: a clean exit with the reason, not a traceback
    raise SystemExit(f"frontline: configuration error: {problem}") from None
