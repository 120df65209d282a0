"""The app factory: config, extensions, blueprints, CLI groups, catalogs; nothing else."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from pathlib import Path

from flask import Flask, current_app
from werkzeug.middleware.proxy_fix import ProxyFix

from course import access, caches, compression, database, errors, i18n, logs, readcache, security  # noqa: F401 - database registers events
from course.authoring import serving
from course.authoring.hashes import files_hash
from course.config import CONFIGS, DevelopmentConfig, resolve
from course.content.access import EXTENSION_KEY
from course.content.catalog import build_catalog_from_files
from course.content.files import disk_names, read_course_files
from course.extensions import babel, csrf, db, login_manager, migrate
from course.syncapp import SyncFlask, refuse_async_callables

log = logging.getLogger("frontline.app")


def create_app(config: type | Mapping | None = None) -> Flask:
    """Build the app. `config` is a config class, or a mapping of overrides (tests)."""
    app = SyncFlask(__name__, instance_path=os.environ.get("INSTANCE_PATH") or None)
    app.config.from_object(CONFIGS.get(os.environ.get("FRONTLINE_ENV", ""), DevelopmentConfig))
    if isinstance(config, type):
        app.config.from_object(config)
    elif config is not None:
        app.config.update(config)
    resolve(app.config, Path(app.instance_path), dict(os.environ))
    logs.init_app(app)
    app.before_request(readcache.begin_request)
    app.teardown_request(readcache.end_request)
    app.before_request(_check_cache_generation)
    app.before_request(serving.check_release)
    _init_extensions(app)
    _register_blueprints(app)
    access.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    if compression.wanted(app.config["COMPRESS_RESPONSES"], app.config["PROXY_HOPS"]):
        app.wsgi_app = compression.Compress(app.wsgi_app)  # type: ignore[method-assign]
    if app.config["PROXY_HOPS"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=1)  # type: ignore[method-assign]
    load_catalog(app)
    refuse_async_callables(app)  # SyncFlask skips Flask's per-request check; this is the check
    return app


def _check_cache_generation() -> None:
    """DATA-2: an erasure on any worker clears this process's caches (course/caches.py)."""
    caches.check_generation(db.session, current_app.config["CACHE_CHECK_SECONDS"])


def load_catalog(app: Flask) -> None:
    """Load and render the course files once; problems are logged, never raised. The first
    request swaps in the database's current release when there is one (course/authoring/
    serving.py): the factory itself reads no database."""
    content_dir, quizzes_dir = Path(app.config["CONTENT_DIR"]), Path(app.config["QUIZZES_DIR"])
    files = read_course_files(content_dir, quizzes_dir)
    # Served, not checked here (`content check` does that): feedback is rendered when first read.
    catalog = build_catalog_from_files(files, disk_names(content_dir, quizzes_dir), feedback_later=True)
    app.extensions[EXTENSION_KEY] = catalog
    serving.start_from_files(app, files_hash(files))
    for problem in catalog.problems:
        log.warning("content problem: %s", problem, extra={"event": "content_problem"})


def _init_extensions(app: Flask) -> None:
    from flask_babel import gettext

    from course.accounts.services import load_session_user
    from course.i18n import select_locale
    from course.problems import N_

    db.init_app(app)
    migrate.init_app(app, db, render_as_batch=True, directory=str(Path(__file__).parent.parent / "migrations"))
    csrf.init_app(app)
    app.before_request(security.protect_unsafe_methods)
    babel.init_app(app, locale_selector=select_locale)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message = None  # the login page explains itself; no flash in two languages
    # SESS-4: sensitive views use fresh_login_required; a stale session logs in again, then returns.
    login_manager.refresh_view = "accounts.login"
    login_manager.needs_refresh_message = N_("Please log in again to continue.")
    login_manager.needs_refresh_message_category = "info"
    login_manager.localize_callback = gettext
    login_manager.session_protection = "basic"
    login_manager.user_loader(lambda session_id: load_session_user(db.session, session_id))
    _import_models()


def _import_models() -> None:
    """Every domain's tables must be known to SQLAlchemy and Alembic."""
    from course import caches as _caches  # noqa: F401 - the cache generation row
    from course.accounts import models as _accounts  # noqa: F401
    from course.authoring import models as _authoring  # noqa: F401
    from course.certificates import models as _certificates  # noqa: F401
    from course.cohorts import models as _cohorts  # noqa: F401
    from course.mail import models as _mail  # noqa: F401
    from course.progress import models as _progress  # noqa: F401
    from course.quizzes import models as _quizzes  # noqa: F401


def _register_blueprints(app: Flask) -> None:
    from course import health
    from course.accounts import views as accounts
    from course.admin import views as admin
    from course.authoring import gift_import  # noqa: F401 - registers the GIFT import on authoring_uploads.bp
    from course.authoring import media as authoring_media
    from course.authoring import uploads as authoring_uploads
    from course.authoring import views as authoring
    from course.certificates import views as certificates
    from course.cohorts import import_views  # noqa: F401 - registers the import routes on cohorts.bp
    from course.cohorts import views as cohorts
    from course.content import views as content
    from course.mail import views as mail
    from course.privacy import views as privacy
    from course.progress import views as progress
    from course.quizzes import views as quizzes
    from course.reports import views as reports

    for module in (content, accounts, progress, admin, authoring, health, i18n, privacy, cohorts, mail):
        app.register_blueprint(module.bp)
    app.register_blueprint(authoring_uploads.bp)  # with the GIFT import's routes
    app.register_blueprint(authoring_media.bp)
    app.register_blueprint(quizzes.bp)
    app.register_blueprint(certificates.bp)
    app.register_blueprint(reports.bp)
    _register_commands(app)


def _register_commands(app: Flask) -> None:
    from course import backup
    from course.accounts import cli as accounts_cli
    from course.authoring import cli as _authoring_cli  # noqa: F401 - adds seed, import, export to `content`
    from course.certificates import cli as certificates_cli
    from course.cohorts import cli as cohorts_cli
    from course.content import cli as content_cli
    from course.mail import cli as mail_cli
    from course.quizzes import cli as quizzes_cli
    from course.reports import cli as reports_cli

    app.cli.add_command(content_cli.cli)  # with seed, import and export from course.authoring.cli
    for command in (accounts_cli.cli, backup.backup_command, quizzes_cli.cli, certificates_cli.cli):
        app.cli.add_command(command)
    for command in (cohorts_cli.cli, mail_cli.cli, reports_cli.cli, reports_cli.reports):
        app.cli.add_command(command)
