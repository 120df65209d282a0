"""Issue 16, item 4: the admin's learner list and its CSV show lessons, quizzes and the
certificate apart, so a learner who read everything but failed the quiz is not "100 %"."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.conftest import Auth
from tests.integration.certificates.helpers import LESSONS, complete_course, learner_client, pass_quiz, read_lesson


@pytest.fixture
def admin(app, make_admin):
    client = app.test_client()
    Auth(client).login(make_admin().email)
    return client


def _row_of(page: str, email: str) -> list[str]:
    row = next(r for r in re.findall(r"<tr>.*?</tr>", page, re.S) if email in r)
    return [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]


def test_a_learner_with_every_lesson_read_and_a_failed_quiz_is_not_shown_as_done(app, make_learner, admin):
    reader, client = learner_client(app, make_learner, email="reader@example.org")
    for module_id, lesson_id in LESSONS:
        read_lesson(client, module_id, lesson_id)
    pass_quiz(app, client, right=False)
    graduate, other = learner_client(app, make_learner, email="graduate@example.org")
    complete_course(app, other)
    page = admin.get("/admin/").get_data(as_text=True)
    assert "100%" not in page and "100 %" not in page
    assert _row_of(page, "reader@example.org")[-4:] == ["3 з 3", "0 з 1", "–", "немає"]
    assert _row_of(page, "graduate@example.org")[-4:] == ["3 з 3", "1 з 1", "–", "Чинний"]
    exported = admin.get("/admin/learners.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(exported)))
    assert rows[0][-4:] == ["Прочитано уроків", "Складено тестів модулів", "Підсумкове тестування", "Сертифікат"]
    by_email = {row[1]: row for row in rows[1:]}
    assert by_email["reader@example.org"][-4:] == ["3/3", "0/1", "", "немає"]
    assert by_email["graduate@example.org"][-4:] == ["3/3", "1/1", "", "Чинний"]
