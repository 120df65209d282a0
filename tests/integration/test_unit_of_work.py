"""The unit of work declared at the edge (course/unit_of_work.py), on SQLite and PostgreSQL.

- every view declares one, so no endpoint's transaction is guessed;
- a write outside `@writes`/`@writes_late` raises;
- every writing endpoint, GET or POST, is atomic: a failure injected right after its first
  write (or, for a completion, at the certificate it earns) leaves no row behind. The list of
  writing endpoints is read from the app's url_map, so a new one without a case here fails.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import pytest
from sqlalchemy import event, select, text, update
from sqlalchemy.engine import Engine

from course.accounts.models import User
from course.accounts.services import issue_reset
from course.certificates.models import Certificate
from course.cohorts.models import ImportBatch
from course.extensions import db
from course.quizzes.models import QuizAttempt
from course.unit_of_work import READS, WRITES, WRITES_LATE, WriteOutsideUnitOfWork, declared, reads, writes
from tests.conftest import PASSWORD, Auth, csrf_token
from tests.integration.certificates.helpers import LESSONS, complete_course, issue_directly, pass_quiz, read_lesson
from tests.integration.enrolment_helpers import DATA, apply, batch_page, upload
from tests.integration.quizzes.helpers import answers, post, row, start

NEW_PASSWORD = "a completely different passphrase 42"
DML = ("INSERT", "UPDATE", "DELETE")


def test_every_view_declares_its_unit_of_work(app):
    undeclared = sorted(
        endpoint for endpoint, view in app.view_functions.items() if endpoint != "static" and declared(view) is None
    )
    assert undeclared == []


def test_a_write_in_a_reads_unit_raises_and_writes_nothing(app, make_learner):
    user = make_learner()

    @reads
    def view() -> None:
        db.session.get(User, user.id).locale = "en"
        db.session.flush()

    @reads
    def statement() -> None:
        db.session.execute(update(User).where(User.id == user.id).values(locale="en"))

    with app.test_request_context("/anything", method="POST"):
        with pytest.raises(WriteOutsideUnitOfWork):
            view()
        db.session.rollback()
        with pytest.raises(WriteOutsideUnitOfWork):
            statement()
        db.session.rollback()
        with pytest.raises(WriteOutsideUnitOfWork):  # a request before (or without) a declaration reads
            db.session.execute(update(User).where(User.id == user.id).values(locale="en"))
        db.session.rollback()
    with app.app_context():
        assert db.session.get(User, user.id).locale == "uk"


def test_a_writes_unit_writes_and_commits_once(app, make_learner):
    user = make_learner()

    @writes
    def view() -> None:
        db.session.get(User, user.id).locale = "en"
        db.session.commit()

    with app.test_request_context("/anything", method="GET"):
        view()
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"


# -- atomicity ---------------------------------------------------------------------------


class InjectedFailure(RuntimeError):
    pass


@dataclass(eq=False)  # hashable: SQLAlchemy keeps listeners by identity
class Injector:
    """Raises right after the first INSERT/UPDATE/DELETE (on `table`, if given) has run."""

    armed: bool = False
    table: str | None = None
    verb: str | None = None  # only an INSERT, UPDATE or DELETE (on `table`, if given)
    fired: int = 0
    passed: int = 0  # writes let through, armed, before the one that fails

    def __call__(self, _conn, _cursor, statement: str, *_args) -> None:
        words = statement.lstrip().upper()
        if not self.armed or not words.startswith(DML):
            return
        other_table = self.table is not None and f'"{self.table.upper()}"' not in words
        other_table = other_table and f" {self.table.upper()} " not in words
        if other_table or (self.verb is not None and not words.startswith(self.verb)):
            self.passed += 1
            return
        self.armed = False
        self.fired += 1
        raise InjectedFailure(statement[:80])


def snapshot(app) -> dict[str, list[str]]:
    """Every row of every table, as text, in a stable order."""
    with app.app_context():
        tables = {}
        for table in db.metadata.sorted_tables:
            rows = db.session.execute(select(table)).all()
            tables[table.name] = sorted(repr(tuple(row)) for row in rows)
        db.session.rollback()
        return tables


@dataclass
class World:
    app: object
    learner: User
    admin: User
    learner_client: object
    admin_client: object


def _client(app, email: str):
    client = app.test_client()
    assert Auth(client).login(email).status_code == 302
    return client


def _post(client, url: str, form_url: str, **data):
    return lambda: client.post(url, data={"csrf_token": csrf_token(client, form_url), **data})


def _pending_certificate(world: World) -> tuple[int, str]:
    """An issued certificate whose PDF failed to render: the next download renders and stores it."""
    certificate_id, code = issue_directly(world.app, world.learner.id)
    with world.app.app_context():
        db.session.execute(
            update(Certificate).where(Certificate.id == certificate_id).values(pdf=None, pdf_sha256=None, pdf_size=None)
        )
        db.session.commit()
    return certificate_id, code


def _attempt(world: World, submitted: bool = False, right: bool = True) -> str:
    public_id = start(world.learner_client)
    if submitted:
        post(world.learner_client, public_id, answers(world.app, public_id, right), action="submit", app=world.app)
    return public_id


def case_login(w: World):
    w.app.config["CLOCK"].advance(minutes=1)  # a new last_login_at: the login writes on both engines
    client = w.app.test_client()
    return lambda: client.post(
        "/login", data={"email": w.learner.email, "password": PASSWORD, "csrf_token": csrf_token(client)}
    )


def case_register(w: World):
    client = w.app.test_client()
    form = {"full_name": "Ірина Коваль", "email": "new@example.org", "password": NEW_PASSWORD}
    return _post(client, "/register", "/register", org_type="police", region="lviv", **form)


def case_logout(w: World):
    return _post(w.learner_client, "/logout", "/dashboard")


def case_password(w: World):
    return _post(
        w.learner_client, "/account/password", "/account/password", current_password=PASSWORD, new_password=NEW_PASSWORD
    )


def case_reset(w: World):
    with w.app.app_context():
        learner, admin = db.session.get(User, w.learner.id), db.session.get(User, w.admin.id)
        token = issue_reset(db.session, learner, admin, w.app.config["CLOCK"](), timedelta(hours=1))
        db.session.commit()
    client = w.app.test_client()
    client.get(f"/reset/{token}")
    return _post(client, "/reset", "/reset", new_password=NEW_PASSWORD)


def case_language(w: World):
    return _post(w.learner_client, "/language", "/dashboard", lang="en", next="/dashboard")


def case_erase_mine(w: World):
    return _post(w.learner_client, "/account/erase", "/account/erase", password=PASSWORD, confirm="y")


def case_admin_role(w: World):
    url = f"/admin/users/{w.learner.id}"
    return _post(w.admin_client, url + "/role", url, role="admin", confirm="y")


def case_admin_active(w: World):
    url = f"/admin/users/{w.learner.id}"
    return _post(w.admin_client, url + "/active", url, confirm="y")


def case_admin_reset_link(w: World):
    url = f"/admin/users/{w.learner.id}"
    return _post(w.admin_client, url + "/reset-link", url, confirm="y")


def case_admin_erase(w: World):
    url = f"/admin/users/{w.learner.id}"
    issue_directly(w.app, w.learner.id)  # erasure withdraws certificates too
    return _post(w.admin_client, url + "/erase", url, confirm="y")


def case_mark_read(w: World):
    return _post(w.learner_client, "/modules/basics/first/read", "/modules/basics/first")


def case_quiz_start(w: World):
    return _post(w.learner_client, "/quizzes/basics-quiz/start", "/quizzes/basics-quiz")


def case_quiz_save(w: World):
    public_id = _attempt(w)
    data = answers(w.app, public_id)
    return lambda: post(w.learner_client, public_id, data, action="submit", app=w.app)


def case_quiz_autosave(w: World):
    public_id = _attempt(w)
    data = answers(w.app, public_id)
    token, version = csrf_token(w.learner_client, f"/attempts/{public_id}"), row(w.app, public_id)["version"]
    form = {"version": str(version), "page": "0", "action": "save", "csrf_token": token, **data}
    return lambda: w.learner_client.post(f"/attempts/{public_id}/autosave", data=form)


def case_quiz_attempt_page(w: World):
    public_id = _attempt(w)
    with w.app.app_context():
        db.session.execute(
            update(QuizAttempt).where(QuizAttempt.public_id == public_id).values(pending={"page": 0, "answers": {}})
        )
        db.session.commit()
    return lambda: w.learner_client.get(f"/attempts/{public_id}")


def case_quiz_practice(w: World):
    public_id = _attempt(w, submitted=True, right=False)
    return _post(w.learner_client, f"/attempts/{public_id}/practice", f"/attempts/{public_id}/result")


def case_renew(w: World):
    complete_course(w.app, w.learner_client)
    with w.app.app_context():  # eligible without a certificate (after a rule change, say)
        db.session.execute(text("DELETE FROM certificate_audit"))
        db.session.execute(text("DELETE FROM certificate"))
        db.session.commit()
    return _post(w.learner_client, "/certificates/renew", "/certificates")


def case_download(w: World):
    _id, code = _pending_certificate(w)
    return lambda: w.learner_client.get(f"/certificates/{code}.pdf")


def case_verify(w: World):
    client = w.app.test_client()
    return lambda: client.get("/verify/0000-0000-0000-0000-0000-0000-0000")  # unknown: counted


def case_admin_pdf(w: World):
    certificate_id, _code = _pending_certificate(w)
    return lambda: w.admin_client.get(f"/admin/certificates/{certificate_id}/pdf")


def case_admin_revoke(w: World):
    certificate_id, _code = issue_directly(w.app, w.learner.id)
    url = f"/admin/certificates/{certificate_id}"
    return _post(w.admin_client, url + "/revoke", url, reason="Name misspelt", confirm="y")


def case_admin_reissue(w: World):
    certificate_id, _code = issue_directly(w.app, w.learner.id)
    url = f"/admin/certificates/{certificate_id}"
    return _post(w.admin_client, url + "/reissue", url, confirm="y")


def case_export_csv(w: World):
    issue_directly(w.app, w.learner.id)
    return lambda: w.admin_client.get("/admin/certificates/export.csv")


def case_export_zip(w: World):
    issue_directly(w.app, w.learner.id)
    return lambda: w.admin_client.get("/admin/certificates/export.zip")


def case_report(path: str) -> Callable[[World], Callable]:
    """A report that counts graded attempts, opened while one attempt's rows are pending: it
    writes them (and commits) before it reads."""

    def case(w: World):
        _attempt(w, submitted=True)
        return lambda: w.admin_client.get(f"/admin/reports/{path}")

    return case


def case_reminders(w: World):
    return _post(w.learner_client, "/account/reminders", "/account")


def _cohort(w: World) -> int:
    form = {"name": "Львів, весна", "region": "", "org_type": "", "starts_on": "2026-11-02", "due_on": ""}
    response = _post(w.admin_client, "/admin/cohorts/new", "/admin/cohorts/new", **form)()
    assert response.status_code == 303, response.get_data(as_text=True)[:300]
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def case_cohort_create(w: World):
    form = {"name": "Київ, осінь", "region": "", "org_type": "", "starts_on": "2026-11-02", "due_on": ""}
    return _post(w.admin_client, "/admin/cohorts/new", "/admin/cohorts/new", **form)


def case_cohort_archive(w: World):
    url = f"/admin/cohorts/{_cohort(w)}"
    return _post(w.admin_client, url + "/archive", url)


def case_cohort_edit(w: World):
    url = f"/admin/cohorts/{_cohort(w)}"
    form = {"name": "Львів, літо", "region": "", "org_type": "", "starts_on": "2026-11-03", "due_on": ""}
    return _post(w.admin_client, url + "/edit", url + "/edit", **form)


def _trainer(w: World) -> int:
    with w.app.app_context():
        db.session.execute(update(User).where(User.id == w.learner.id).values(role="trainer"))
        db.session.commit()
    return w.learner.id


def case_cohort_add_trainer(w: World):
    url, trainer = f"/admin/cohorts/{_cohort(w)}", _trainer(w)
    return _post(w.admin_client, url + "/trainers", url, trainer=str(trainer))


def case_cohort_remove_trainer(w: World):
    url, trainer = f"/admin/cohorts/{_cohort(w)}", _trainer(w)
    assert _post(w.admin_client, url + "/trainers", url, trainer=str(trainer))().status_code == 303
    return _post(w.admin_client, f"{url}/trainers/{trainer}/remove", url)


def case_trainer_add_region(w: World):
    trainer = _trainer(w)
    url = f"/admin/users/{trainer}"
    return _post(w.admin_client, f"/admin/cohorts/trainers/{trainer}/regions", url, region="lviv", org_type="")


def case_trainer_remove_region(w: World):
    from course.cohorts.models import TrainerRegion

    trainer = _trainer(w)
    url = f"/admin/users/{trainer}"
    _post(w.admin_client, f"/admin/cohorts/trainers/{trainer}/regions", url, region="lviv", org_type="")()
    with w.app.app_context():
        scope_id = db.session.scalar(select(TrainerRegion.id))
        db.session.rollback()
    return _post(w.admin_client, f"/admin/cohorts/trainers/{trainer}/regions/{scope_id}/remove", url)


def case_outbox_decide(w: World):
    from course.mail import outbox

    with w.app.app_context():
        message = outbox.enqueue(db.session, "reminder", db.session.get(User, w.learner.id), w.app.config["CLOCK"]())
        outbox.mark_unconfirmed(message, "the worker stopped mid-send")
        db.session.commit()
        message_id = message.id
    return _post(w.admin_client, f"/admin/mail/{message_id}/decide", "/admin/mail", action="resend")


def _checked_batch(w: World, cohort_id: int) -> int:
    """A clean file uploaded and checked (two new learners for the cohort), not yet imported."""
    response = upload(w.admin_client, (DATA / "good_comma.csv").read_bytes(), cohort_id)
    return batch_page(w.admin_client, response)[0]


def case_import_check(w: World):
    cohort_id = _cohort(w)
    stale = _checked_batch(w, cohort_id)  # an upload left unapplied for two days: the check drops it first
    with w.app.app_context():
        two_days_ago = w.app.config["CLOCK"]() - timedelta(days=2)
        db.session.execute(update(ImportBatch).where(ImportBatch.id == stale).values(created_at=two_days_ago))
        db.session.commit()
    data = (DATA / "good_comma.csv").read_bytes()
    return lambda: upload(w.admin_client, data, cohort_id)


def case_import_apply(w: World):
    url = f"/admin/cohorts/imports/{_checked_batch(w, _cohort(w))}"
    return _post(w.admin_client, url + "/apply", url)


def case_import_undo(w: World):
    batch_id = _checked_batch(w, _cohort(w))
    assert apply(w.admin_client, batch_id).status_code == 200  # accounts, memberships and links made
    url = f"/admin/cohorts/imports/{batch_id}"
    return _post(w.admin_client, url + "/undo", url)


# Writing endpoints merged from other branches that have no case here yet, each with the
# reason. Listed, so the test below still fails for any further writing endpoint that is
# neither covered nor listed; keep it empty.
NOT_YET_COVERED: set[str] = set()


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 6), (30, 90, 160)).save(out, "PNG")
    return out.getvalue()


def case_image_upload(w: World):
    def send():
        token = csrf_token(w.admin_client, "/admin/content/images")
        form = {"csrf_token": token, "file": (io.BytesIO(_png()), "map.png")}
        return w.admin_client.post("/admin/content/images", data=form, content_type="multipart/form-data")

    return send


def case_gift_confirm(w: World):
    token = csrf_token(w.admin_client, "/admin/content/gift")
    gift = b"::Q:: Is consent relevant once a person is exploited? {FALSE}\n"
    form = {"csrf_token": token, "file": (io.BytesIO(gift), "q.gift"), "quiz_id": "q", "lang": "en", "module": ""}
    page = w.admin_client.post("/admin/content/gift", data=form, content_type="multipart/form-data")
    signed = re.search(r'name="token" type="hidden" value="([^"]+)"', page.get_data(as_text=True))
    assert signed, page.get_data(as_text=True)[:500]
    return _post(w.admin_client, "/admin/content/gift/confirm", "/admin/content/gift", token=signed.group(1))


def _seeded_edit(w: World) -> dict[str, str]:
    """The test course as release 1, and the admin's edit form of its first module."""
    from tests.integration.authoring.editor_helpers import MODULE_URL, edit_form, seed

    seed(w.app, w.app.config["CLOCK"])
    return edit_form(w.admin_client, MODULE_URL)


def case_editor_save(w: World):
    from tests.integration.authoring.editor_helpers import MODULE_URL

    form = _seeded_edit(w)
    data = {**form, "text_uk": form["text_uk"] + "\nЗмінено.\n", "text_en": form["text_en"] + "\nChanged.\n"}
    return lambda: w.admin_client.post(MODULE_URL, data=data)


def case_editor_publish(w: World):
    from tests.integration.authoring.editor_helpers import MODULE_URL

    form = _seeded_edit(w)
    w.admin_client.post(MODULE_URL, data={**form, "text_uk": form["text_uk"] + "\nЗмінено.\n"})
    return _post(w.admin_client, "/admin/authoring/publish", "/admin/authoring/publish")


def case_editor_restore(w: World):
    from course.authoring import services
    from tests.integration.authoring.editor_helpers import MODULE_URL

    form = _seeded_edit(w)
    w.admin_client.post(MODULE_URL, data={**form, "text_uk": form["text_uk"] + "\nЗмінено.\n"})
    with w.app.app_context():
        first = services.history(db.session, "content/modules/01-basics.uk.md")[-1].id
        db.session.rollback()
    return _post(w.admin_client, f"/admin/authoring/revisions/{first}/restore", "/admin/authoring/")


def case_editor_delete(w: World):
    from tests.integration.authoring.editor_helpers import MODULE_URL, hidden

    _seeded_edit(w)
    page = w.admin_client.get(MODULE_URL + "/delete").get_data(as_text=True)
    bases = {name: hidden(page, name) for name in ("base_uk", "base_en")}
    return _post(w.admin_client, MODULE_URL + "/delete", MODULE_URL + "/delete", **bases)


def case_editor_new(w: World):
    _seeded_edit(w)
    data = {"kind": "module", "entry_id": "new-topic", "title_uk": "Нова", "title_en": "New"}
    return _post(w.admin_client, "/admin/authoring/new", "/admin/authoring/new", **data)


CASES: dict[str, Callable[[World], Callable]] = {
    "authoring_media.upload_image": case_image_upload,
    "authoring_media.gift_confirm": case_gift_confirm,
    "authoring.save": case_editor_save,
    "authoring.publish": case_editor_publish,
    "authoring.restore": case_editor_restore,
    "authoring.new": case_editor_new,
    "authoring.delete": case_editor_delete,
    "accounts.reminders": case_reminders,
    "cohorts.create": case_cohort_create,
    "cohorts.archive": case_cohort_archive,
    "mail.decide": case_outbox_decide,
    "cohorts.edit": case_cohort_edit,
    "cohorts.add_trainer": case_cohort_add_trainer,
    "cohorts.remove_trainer": case_cohort_remove_trainer,
    "cohorts.add_region": case_trainer_add_region,
    "cohorts.remove_region": case_trainer_remove_region,
    "cohorts.import_check": case_import_check,
    "cohorts.apply": case_import_apply,
    "cohorts.undo": case_import_undo,
    "accounts.login": case_login,
    "accounts.register_view": case_register,
    "accounts.logout": case_logout,
    "accounts.password": case_password,
    "accounts.reset_password_view": case_reset,
    "i18n.switch_language": case_language,
    "privacy.erase_mine": case_erase_mine,
    "admin.user_role": case_admin_role,
    "admin.user_active": case_admin_active,
    "admin.user_reset_link": case_admin_reset_link,
    "admin.user_erase": case_admin_erase,
    "content.mark_lesson_read": case_mark_read,
    "quizzes.start": case_quiz_start,
    "quizzes.save": case_quiz_save,
    "quizzes.autosave": case_quiz_autosave,
    "quizzes.attempt": case_quiz_attempt_page,
    "quizzes.practice": case_quiz_practice,
    "certificates.renew": case_renew,
    "certificates.download": case_download,
    "certificates.verify_code": case_verify,
    "certificates.admin_pdf": case_admin_pdf,
    "certificates.admin_revoke": case_admin_revoke,
    "certificates.admin_reissue": case_admin_reissue,
    "certificates.admin_export_csv": case_export_csv,
    "certificates.admin_export_zip": case_export_zip,
    **{f"reports.{name}": case_report(name) for name in ("funnel", "quizzes", "items")},
    **{f"reports.{name}_csv": case_report(f"{name}.csv") for name in ("funnel", "quizzes", "items")},
}


@pytest.fixture
def world(app, make_learner, make_admin) -> World:
    learner, admin = make_learner(), make_admin()
    return World(app, learner, admin, _client(app, learner.email), _client(app, admin.email))


@pytest.fixture
def injector():
    inject = Injector()
    event.listen(Engine, "after_cursor_execute", inject)
    yield inject
    event.remove(Engine, "after_cursor_execute", inject)


def test_every_writing_endpoint_has_an_atomicity_case(app):
    writing = {name for name, view in app.view_functions.items() if declared(view) in (WRITES, WRITES_LATE)}
    assert writing - NOT_YET_COVERED == set(CASES)
    assert NOT_YET_COVERED <= writing  # a name here that stopped writing (or was renamed) must go
    assert all(declared(app.view_functions[name]) != READS for name in CASES)


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_a_failure_after_the_first_write_leaves_no_row_behind(endpoint, world, injector):
    request = CASES[endpoint](world)
    before = snapshot(world.app)
    injector.armed = True
    response = request()
    assert injector.fired == 1, f"{endpoint}: the case never reached a write"
    assert response.status_code == 500
    assert snapshot(world.app) == before


@pytest.mark.parametrize("last", ["lesson", "quiz"])
def test_a_failure_at_the_certificate_undoes_the_completion_that_earned_it_CERT_5(last, world, injector):
    """The completing view issues before its single commit: no read lesson or passed quiz
    is left without the certificate it earned, and no second transaction commits it later."""
    client = world.learner_client
    if last == "lesson":
        for module_id, lesson_id in LESSONS[:-1]:
            read_lesson(client, module_id, lesson_id)
        pass_quiz(world.app, client)
        complete_course_step = lambda: read_lesson(client, *LESSONS[-1])  # noqa: E731
    else:
        for module_id, lesson_id in LESSONS:
            read_lesson(client, module_id, lesson_id)
        public_id = start(client)
        data = answers(world.app, public_id)
        complete_course_step = lambda: post(client, public_id, data, action="submit", app=world.app)  # noqa: E731
    before = snapshot(world.app)
    injector.table, injector.armed = "certificate", True
    response = complete_course_step()
    assert injector.fired == 1 and response.status_code == 500
    assert snapshot(world.app) == before
    # and without a failure the same step completes and issues, in one commit
    response = complete_course_step()
    assert response.status_code in (302, 303)
    with world.app.app_context():
        assert db.session.scalar(select(Certificate.id).where(Certificate.user_id == world.learner.id)) is not None


@pytest.mark.parametrize(
    "endpoint, verb, earlier",
    [("cohorts.import_check", "INSERT", 1), ("cohorts.apply", "UPDATE", 2), ("cohorts.undo", "UPDATE", 2)],
)
def test_a_failure_at_the_last_write_of_an_import_undoes_all_of_it(endpoint, verb, earlier, world, injector):
    """Applying (or undoing) a file is many bulk statements (accounts, memberships, the items
    that make undo exact, invitations) and then the batch's new state; checking one drops stale
    uploads, then stores the file. A failure at the batch's last write leaves none of the
    others: the use case never commits part of its work (a commit after the first write is
    invisible to a failure injected at that first write)."""
    request = CASES[endpoint](world)
    before = snapshot(world.app)
    injector.table, injector.verb, injector.armed = "import_batch", verb, True
    response = request()
    assert injector.fired == 1 and response.status_code == 500
    assert injector.passed >= earlier, "the batch's write was not the last"
    assert snapshot(world.app) == before


# -- writing commands ----------------------------------------------------------------------


def _edited_course(app, tmp_path) -> str:
    """The test course with one lesson changed, for an import that makes release 2."""
    import shutil
    from pathlib import Path

    course = tmp_path / "edited"
    shutil.copytree(Path(app.config["CONTENT_DIR"]), course)
    lesson = course / "modules" / "01-basics.en.md"
    lesson.write_text(lesson.read_text().replace("Text of the first lesson.", "Edited text."))
    return str(course)


COMMANDS: dict[str, Callable] = {
    "content seed": lambda app, tmp_path: ["content", "seed"],
    "content import": lambda app, tmp_path: ["content", "import", _edited_course(app, tmp_path)],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_a_failure_after_the_first_write_of_a_command_leaves_no_row_behind(command, app, injector, tmp_path):
    """The content store's commands (issue 12): a release is all there or not at all."""
    runner = app.test_cli_runner()
    if command != "content seed":
        assert runner.invoke(args=["content", "seed"]).exit_code == 0
    args = COMMANDS[command](app, tmp_path)
    before = snapshot(app)
    injector.armed = True
    result = runner.invoke(args=args)
    assert injector.fired == 1, f"{command}: never reached a write"
    assert result.exit_code != 0
    assert snapshot(app) == before
    assert runner.invoke(args=args).exit_code == 0  # and without the failure it writes
    assert snapshot(app) != before
