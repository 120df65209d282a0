"""Code run in separate processes by the reliability tests (REL-1, REL-2b): each process builds
its own app on the shared database, like a gunicorn worker, and writes through real requests."""

from __future__ import annotations

import shutil
import traceback
from pathlib import Path

DATA = Path(__file__).parents[1] / "data" / "course"
LESSONS = 50


def write_course(root: Path) -> Path:
    """The test course plus a 50-lesson module, and the basics quiz without a retake cooldown."""
    shutil.copytree(DATA, root, dirs_exist_ok=True)
    for lang, title, word in (("uk", "Великий модуль", "Урок"), ("en", "Big module", "Lesson")):
        lessons = "\n".join(f"## {word} {i} {{#l{i}}}\n\nText {i}.\n" for i in range(LESSONS))
        body = f"---\nid: big\norder: 3\ntitle: {title}\nsummary: {title}.\nminutes: 5\n---\n\n{lessons}\n"
        (root / "modules" / f"03-big.{lang}.md").write_text(body + "\n### Sources\n\n- [S1] Test.\n")
        quiz = root / "quizzes" / f"basics.{lang}.md"
        quiz.write_text(quiz.read_text().replace("cooldown_minutes: 30", "cooldown_minutes: 0"))
    return root


def learner_writes(database_url: str, content: str, workdir: str, email: str, quizzes: int) -> dict:
    """Log in, mark 50 lessons read, then take the quiz `quizzes` times; report every status."""
    import io
    import logging

    from course.extensions import db
    from tests.conftest import Auth, FakeClock, csrf_token, make_test_app

    statuses: list[int] = []
    errors: list[str] = []
    captured = io.StringIO()
    handler = logging.StreamHandler(captured)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logging.getLogger().addHandler(handler)
    try:
        app = make_test_app(
            database_url, Path(workdir), FakeClock(), CONTENT_DIR=content, QUIZZES_DIR=str(Path(content) / "quizzes")
        )
        client = app.test_client()
        statuses.append(Auth(client).login(email).status_code)
        token = csrf_token(client, "/modules/big/l0")
        for lesson in range(LESSONS):
            statuses.append(client.post(f"/modules/big/l{lesson}/read", data={"csrf_token": token}).status_code)
        if quizzes and "quizzes.start" in app.view_functions:
            from tests.integration.quizzes.helpers import answers, post, start

            for _ in range(quizzes):
                public_id = start(client)
                statuses.append(post(client, public_id, answers(app, public_id), action="submit", app=app).status_code)
        with app.app_context():
            db.engine.dispose()
    except Exception:  # noqa: BLE001 - reported to the parent, which fails the test with it
        errors.append(traceback.format_exc())
    return {"statuses": statuses, "errors": errors, "log": captured.getvalue()}
