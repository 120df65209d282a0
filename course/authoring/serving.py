"""Which release this process serves, and the swap to a newer one (web layer, wiring).

Every worker and every app host serves the newest release in the shared database, with no
shared disk and no restart. Before a request, a process looks at the newest release number
(`SELECT max(id)` on the release table's primary key: one small indexed read) at most every
`CONTENT_CHECK_SECONDS`; between looks a request pays one clock comparison. When the number
moved, the process builds that release's catalog, swaps it in (`course.content.access`) and
clears its caches (rendered pages included, course/caches.py), so no page of the old release
is served after the swap. The one request that notices pays the build; the others go on with
the old catalog meanwhile rather than wait.

Until the store has a release (an empty database before `flask content seed`), the process
serves the files under CONTENT_DIR / QUIZZES_DIR it loaded at start, which is what seeding
turns into release 1: a release with exactly those files is adopted without a rebuild.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field

from flask import Flask, current_app
from sqlalchemy.exc import SQLAlchemyError

from course import caches
from course.authoring import services
from course.authoring.models import ContentRelease
from course.content.access import EXTENSION_KEY
from course.content.catalog import Catalog, build_catalog_from_files
from course.extensions import Session, db

RELEASE_KEY = "frontline.release"
log = logging.getLogger("frontline.content")


@dataclass
class Served:
    """This app's view of the store: the release it serves (None: the files it started with)."""

    release_id: int | None = None
    files_hash: str | None = None  # of the files loaded at start, until a release is served
    checked_at: float = float("-inf")
    lock: threading.Lock = field(default_factory=threading.Lock)


def start_from_files(app: Flask, started_from: str) -> None:
    """The app serves the catalog it just loaded from files whose hash is `started_from`
    (course/app.py registers `check_release` before every request)."""
    app.extensions[RELEASE_KEY] = Served(files_hash=started_from)


def served(app: Flask) -> Served:
    return app.extensions[RELEASE_KEY]


def check_release() -> None:
    """Before each request: at most every CONTENT_CHECK_SECONDS, swap in a newer release."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    state = served(app)
    now = time.monotonic()
    if now - state.checked_at < app.config["CONTENT_CHECK_SECONDS"]:
        return
    state.checked_at = now
    refresh(app, db.session)


def refresh(app: Flask, session: Session) -> bool:
    """Serve the newest release if it is not the one served; True when it swapped."""
    state = served(app)
    try:
        latest = services.current_release_id(session)
    except SQLAlchemyError:  # not migrated yet (readyz says so): keep serving the files
        session.rollback()
        return False
    if latest is None or latest == state.release_id:
        return False
    if not state.lock.acquire(blocking=False):  # another thread is loading it already
        return False
    try:
        return _swap(app, session, state, latest)
    finally:
        state.lock.release()


def _swap(app: Flask, session: Session, state: Served, release_id: int) -> bool:
    release = session.get(ContentRelease, release_id)
    if release is None:
        return False
    if state.release_id is None and release.content_hash == state.files_hash:
        state.release_id = release_id  # release 1 is the files this process started with
        return False
    # Publishing checked this release with every text rendered: feedback can wait for a reader.
    catalog = build_catalog_from_files(services.release_files(session, release_id), feedback_later=True)
    serve(app, release_id, catalog)
    return True


def serve(app: Flask, release_id: int, catalog: Catalog) -> None:
    """Make `catalog` (release `release_id`'s) what this app serves, and drop every page kept
    from the one before."""
    app.extensions[EXTENSION_KEY] = catalog
    state = served(app)
    state.release_id, state.files_hash = release_id, None
    caches.clear()
    log.info("serving release %s", release_id, extra={"event": "content_release", "release": release_id})
    for problem in catalog.problems:  # a published release has none; logged should that change
        log.warning("content problem: %s", problem, extra={"event": "content_problem"})
