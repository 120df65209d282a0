"""The content store on SQLite and PostgreSQL: drafts, history, publish, releases (issue 12).

- a draft with problems is saved (nothing typed is lost) but never served: publish refuses
  it with every problem, as `content check` prints them, and the release stays as it was;
- a save based on a revision someone else changed since is refused (StaleRevision), on both
  engines, also when the two saves race;
- history is never rewritten: a restore is a new revision; saving identical bytes records
  nothing;
- a release is the draft's files exactly, and the hashes attempts and certificates store map
  back to the release they were taken on.
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from course.authoring import services
from course.authoring.models import ContentRelease, ContentReleaseFile, ContentRevision
from course.authoring.services import InvalidRevision, PublishRefused, StaleRevision
from course.content.files import read_course_files
from course.extensions import db
from tests.conftest import TEST_COURSE

MODULE = "content/modules/02-next.en.md"


@pytest.fixture
def files() -> dict[str, bytes]:
    return read_course_files(TEST_COURSE, TEST_COURSE / "quizzes")


@pytest.fixture
def seeded(app, files, clock):
    """The test course as release 1."""
    with app.app_context():
        release = services.seed_release(db.session, files, now=clock())
        db.session.commit()
        assert release is not None and release.id == 1
    return app


def edit(session, path: str, old: bytes, new: bytes, **kwargs) -> ContentRevision:
    current = services.head(session, path)
    assert current is not None
    data = current.data.replace(old, new)
    assert data != current.data
    return services.save_revision(session, path, data, author_id=None, base_revision_id=current.id, **kwargs)


def test_the_files_seed_release_1_once_with_their_exact_bytes(seeded, files, clock):
    with seeded.app_context():
        assert services.release_files(db.session) == files
        assert services.draft_files(db.session) == files
        assert services.seed_release(db.session, files, now=clock()) is None
        assert db.session.query(ContentRelease).count() == 1
        assert db.session.query(ContentRevision).count() == len(files)


def test_a_draft_with_problems_is_saved_but_publish_refuses_it_and_serves_nothing_new(seeded, files):
    with seeded.app_context():
        broken = edit(db.session, MODULE, b"order: 2", b"order: two")
        db.session.commit()
        assert services.head(db.session, MODULE).id == broken.id
        with pytest.raises(PublishRefused) as refused:
            services.publish(db.session, author_id=None)
        printed = [str(p) for p in refused.value.problems]
        assert f"{MODULE}:3: 'order' must be a whole number, not 'two'" in printed
        assert services.check_draft(db.session).problems == refused.value.problems
        assert services.current_release_id(db.session) == 1
        assert services.release_files(db.session) == files


def test_publish_refuses_while_anything_is_wrong_then_makes_the_next_release(seeded, files, clock):
    with seeded.app_context():
        edit(db.session, MODULE, b"(lesson:basics/first)", b"(lesson:basics/missing)")
        with pytest.raises(PublishRefused) as refused:
            services.publish(db.session, author_id=None)
        assert any("lesson:basics/missing" in str(p) for p in refused.value.problems)
        edit(db.session, MODULE, b"(lesson:basics/missing)", b"(lesson:basics/first)")
        fixed = edit(db.session, MODULE, b"Text. Back", b"More text. Back")
        release = services.publish(db.session, author_id=None, message="a one-line change", now=clock())
        db.session.commit()
        assert (release.id, release.message) == (2, "a one-line change")
        served = services.release_files(db.session)
        assert served[MODULE] == fixed.data
        assert {p: d for p, d in served.items() if p != MODULE} == {p: d for p, d in files.items() if p != MODULE}
        assert services.release_files(db.session, 1) == files


def test_publishing_an_unchanged_draft_makes_no_new_release(seeded):
    with seeded.app_context():
        assert services.publish(db.session, author_id=None).id == 1
        assert db.session.query(ContentRelease).count() == 1


def test_a_stale_save_is_refused_with_the_current_revision(seeded):
    with seeded.app_context():
        base = services.head(db.session, MODULE)
        theirs = edit(db.session, MODULE, b"Text.", b"Their text.")
        db.session.commit()
        mine = base.data.replace(b"Text.", b"My text.")
        with pytest.raises(StaleRevision) as stale:
            services.save_revision(db.session, MODULE, mine, author_id=None, base_revision_id=base.id)
        assert stale.value.current.id == theirs.id
        assert stale.value.current.data == theirs.data
        with pytest.raises(StaleRevision):  # a new file that someone else created meanwhile
            services.save_revision(db.session, MODULE, mine, author_id=None, base_revision_id=None)


def test_two_saves_on_the_same_base_cannot_both_land(seeded, database_url, tmp_path, clock):
    """The second save's check ran before the first committed: the unique revision number per
    path refuses it anyway (a race the head check alone would lose on PostgreSQL)."""
    with seeded.app_context():
        base = services.head(db.session, MODULE)
        first = ContentRevision(
            path=MODULE, number=base.number + 1, data=b"x", sha256="0" * 64, message="", created_at=clock()
        )
        db.session.add(first)
        db.session.commit()
        with pytest.raises(StaleRevision) as stale:
            services._insert(db.session, MODULE, b"y", base, None, "", False, clock())
        assert stale.value.current.id == first.id
        db.session.rollback()


def test_identical_bytes_record_nothing(seeded):
    with seeded.app_context():
        current = services.head(db.session, MODULE)
        same = services.save_revision(
            db.session, MODULE, current.data, author_id=None, base_revision_id=current.id, message="no change"
        )
        assert same.id == current.id
        assert len(services.history(db.session, MODULE)) == 1


def test_restore_makes_a_new_revision_and_history_keeps_every_one(seeded, make_admin):
    admin = make_admin()
    with seeded.app_context():
        original = services.head(db.session, MODULE)
        changed = edit(db.session, MODULE, b"Text.", b"Changed.", message="reword")
        restored = services.restore(db.session, original.id, author_id=admin.id)
        db.session.commit()
        assert restored.id not in (original.id, changed.id)
        assert restored.data == original.data
        assert restored.parent_id == changed.id
        assert restored.author_id == admin.id
        assert [r.id for r in services.history(db.session, MODULE)] == [restored.id, changed.id, original.id]
        assert [r.number for r in services.history(db.session, MODULE)] == [3, 2, 1]


def test_a_deleted_file_leaves_the_draft_and_the_next_release(seeded, files):
    page = "content/pages/glossary.en.md"
    with seeded.app_context():
        current = services.head(db.session, page)
        services.save_revision(db.session, page, b"", author_id=None, base_revision_id=current.id, deleted=True)
        assert page not in services.draft_files(db.session)
        with pytest.raises(PublishRefused) as refused:  # the uk glossary is now alone
            services.publish(db.session, author_id=None)
        assert any("has no 'en' version" in str(p) for p in refused.value.problems)
        assert len(services.history(db.session, page)) == 2


@pytest.mark.parametrize(
    "path",
    ["../etc/passwd", "content/modules/../x.uk.md", "content/modules/sub/x.uk.md", "content/x.uk.md", "app.py"],
)
def test_a_path_no_course_file_may_have_is_refused(seeded, path):
    with seeded.app_context(), pytest.raises(InvalidRevision):
        services.save_revision(db.session, path, b"x", author_id=None, base_revision_id=None)


def test_the_hash_an_attempt_or_certificate_stored_finds_its_release(seeded, clock):
    from course.certificates.eligibility import EligibilityRule
    from course.certificates.records import requirements_for
    from course.content.catalog import build_catalog_from_files

    with seeded.app_context():
        first = build_catalog_from_files(services.release_files(db.session))
        quiz_hash = first.quizzes["basics-quiz"].content_hash
        edit(db.session, MODULE, b"Text.", b"New text.")
        clock.advance(days=1)
        services.publish(db.session, author_id=None, now=clock())
        db.session.commit()
        second = build_catalog_from_files(services.release_files(db.session))
        module_hash = second.module("next-steps").content_hash
        assert services.release_of_hash(db.session, quiz_hash).id == 1  # unchanged since release 1
        assert services.release_of_hash(db.session, quiz_hash, at=clock()).id == 2
        assert services.release_of_hash(db.session, quiz_hash, at=clock() - timedelta(hours=1)).id == 1
        assert services.release_of_hash(db.session, module_hash).id == 2
        settings = type("S", (), {"rule": EligibilityRule()})()
        assert services.release_of_hash(db.session, requirements_for(second, settings).content_hash).id == 2
        assert services.release_of_hash(db.session, "0" * 64) is None
        release = services.current_release(db.session)
        assert services.release_of_hash(db.session, release.content_hash).id == 2
        manifest = db.session.query(ContentReleaseFile).filter_by(release_id=2).count()
        assert manifest == len(services.release_files(db.session))


def test_an_import_with_problems_lists_them_all_and_saves_nothing(seeded, files):
    bad = dict(files)
    bad[MODULE] = bad[MODULE].replace(b"order: 2", b"order: two")
    bad["content/modules/notes.txt"] = b"x"
    with seeded.app_context():
        with pytest.raises(PublishRefused) as refused:
            services.import_files(db.session, bad, author_id=None)
        db.session.rollback()
        printed = [str(p) for p in refused.value.problems]
        assert "content/modules/notes.txt:1: 'content/modules/notes.txt' is not a place for a course file" in printed
        assert any(p.startswith(f"{MODULE}:3:") for p in printed)
        assert services.draft_files(db.session) == files


def test_unpublished_paths_and_discard_follow_the_bytes(seeded):
    new_page = "content/pages/about.en.md"
    with seeded.app_context():
        assert services.unpublished_paths(db.session) == []
        changed = edit(db.session, MODULE, b"Text.", b"Changed.")
        services.save_revision(db.session, new_page, b"---\nid: about\n---\n", author_id=None, base_revision_id=None)
        assert services.unpublished_paths(db.session) == [MODULE, new_page]
        back = services.discard(db.session, MODULE, author_id=None)
        assert back.id != changed.id and back.number == 3  # a new revision, history kept
        gone = services.discard(db.session, new_page, author_id=None)
        assert gone.deleted
        assert services.unpublished_paths(db.session) == []
