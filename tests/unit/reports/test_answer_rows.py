"""The per-question rows a graded attempt becomes (course/quizzes/answers.py)."""

from __future__ import annotations

from course.quizzes.answers import GradedFacts, answer_rows, learner_rows


def test_one_row_per_question_asked_in_order_with_marks_and_options():
    facts = GradedFacts(7, 3, "h" * 64, 2, "en", 2.5, 62.5)
    results = {"q-b": ["1/1", True], "q-a": ["1/2", False], "q-match": ["0/1", False], "q-skipped": ["0/1", False]}
    answers = {
        "q-b": {"chosen": ["y", "x"], "matches": []},
        "q-a": {"chosen": ["Офіс"], "matches": []},
        "q-match": {"chosen": [], "matches": [["p1", "p2"]]},
    }
    rows = answer_rows(facts, results, answers)
    assert [(r["question_id"], r["position"], r["score"], r["chosen"]) for r in rows] == [
        ("q-b", 0, 1.0, '["x","y"]'),
        ("q-a", 1, 0.5, '["Офіс"]'),
        ("q-match", 2, 0.0, None),  # a kind without options: the mark alone
        ("q-skipped", 3, 0.0, None),  # not answered
    ]
    assert {(r["attempt_id"], r["user_id"], r["attempt_no"], r["lang"], r["attempt_percent"]) for r in rows} == {
        (7, 3, 2, "en", 62.5)
    }


def test_a_learners_summary_counts_attempts_to_the_first_pass_per_version():
    def attempt(user, version, start, passed):
        key = {"user_id": user, "quiz_id": "q", "content_hash": version}
        return {**key, "started_at": start, "finished_at": start + 1, "is_passed": passed}

    attempts = [attempt(1, "v1", 10, False), attempt(1, "v1", 20, True), attempt(1, "v1", 30, True)]
    attempts += [attempt(2, "v1", 15, False), attempt(1, "v2", 40, True)]
    summary = {
        (r["user_id"], r["content_hash"]): (r["attempts"], r["first_started_at"], r["tries_to_pass"], r["passed_at"])
        for r in learner_rows(attempts)
    }
    assert summary == {(1, "v1"): (3, 10, 2, 21), (2, "v1"): (1, 15, None, None), (1, "v2"): (1, 40, 1, 41)}
