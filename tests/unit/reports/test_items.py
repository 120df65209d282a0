"""Item analysis: against Moodle's formulas on a small fixture, by hand, and its flags in words."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from course.reports.items import (
    FLAG_CHECK_KEY,
    FLAG_LOW_DISCRIMINATION,
    FLAG_TOO_EASY,
    FLAG_UNUSED_OPTION,
    ItemAnalysis,
    QuestionMeta,
    Thresholds,
    question_meta,
    random_guess,
    tertile_cuts,
)
from tests.unit.quizzes.helpers import question

# A fixture with partial credit: (marks of q1 out of 2, marks of q2 out of 1, marks of q3 out of 1).
FIXTURE = [(2, 1, 1), (1, 1, 0), (2, 0, 1), (0.5, 1, 0), (0, 0, 1), (1.5, 1, 1), (0, 0, 0), (2, 1, 0)]
POINTS = (2, 1, 1)


def moodle_question_stats(index: int) -> dict[str, float]:
    """Moodle's question statistics, transcribed from question/classes/statistics/questions/
    calculator.php: two passes, mean first, then deviations; covariancemax from both lists
    sorted ascending; discrimination = 100 cov / sqrt(var var), efficiency = 100 cov / covmax."""
    s = len(FIXTURE)
    marks = [attempt[index] for attempt in FIXTURE]
    others = [sum(attempt) - attempt[index] for attempt in FIXTURE]
    mark_average, other_average = sum(marks) / s, sum(others) / s
    sorted_marks, sorted_others = sorted(marks), sorted(others)
    mark_variance_sum = sum((m - mark_average) ** 2 for m in marks)
    other_variance_sum = sum((o - other_average) ** 2 for o in others)
    covariance_sum = sum((m - mark_average) * (o - other_average) for m, o in zip(marks, others, strict=True))
    covariance_max_sum = sum(
        (m - mark_average) * (o - other_average) for m, o in zip(sorted_marks, sorted_others, strict=True)
    )
    mark_variance, other_variance = mark_variance_sum / (s - 1), other_variance_sum / (s - 1)
    covariance, covariance_max = covariance_sum / (s - 1), covariance_max_sum / (s - 1)
    return {
        "facility": mark_average / POINTS[index],
        "sd": math.sqrt(mark_variance),
        "discriminationindex": 100 * covariance / math.sqrt(mark_variance * other_variance),
        "discriminativeefficiency": 100 * covariance / covariance_max,
        "markvariance": mark_variance,
    }


def fixture_analysis(min_n: int = 2) -> tuple[ItemAnalysis, Thresholds]:
    metas = {f"q{i}": QuestionMeta(f"q{i}", "single", POINTS[i], (), None) for i in range(3)}
    percents = Counter(round(100 * sum(a) / 4, 1) for a in FIXTURE)
    analysis = ItemAnalysis(metas, tertile_cuts(percents))
    for attempt in FIXTURE:
        total = sum(attempt)
        results = {f"q{i}": [_fraction_text(mark), mark == POINTS[i]] for i, mark in enumerate(attempt)}
        analysis.add(total, round(100 * total / 4, 1), results, {}, "uk")
    return analysis, Thresholds(min_n=min_n)


def _fraction_text(mark: float) -> str:
    return f"{int(mark * 2)}/2"


@pytest.mark.parametrize("index", [0, 1, 2])
def test_question_statistics_agree_with_moodles_formulas(index):
    analysis, thresholds = fixture_analysis()
    stats = analysis.item_stats(f"q{index}", thresholds)
    moodle = moodle_question_stats(index)
    assert stats.n == len(FIXTURE)
    assert stats.facility == pytest.approx(moodle["facility"])
    assert stats.sd * POINTS[index] == pytest.approx(moodle["sd"])  # ours is a fraction of the marks
    assert 100 * stats.discrimination == pytest.approx(moodle["discriminationindex"])
    assert 100 * stats.efficiency == pytest.approx(moodle["discriminativeefficiency"])


def test_reliability_agrees_with_moodles_coefficient_of_internal_consistency():
    """Moodle (mod/quiz/report/statistics): cic = 100 k/(k-1) (1 - sum of mark variances / variance of the sums)."""
    analysis, _thresholds = fixture_analysis()
    totals = [sum(a) for a in FIXTURE]
    mean = sum(totals) / len(totals)
    total_variance = sum((t - mean) ** 2 for t in totals) / (len(totals) - 1)
    variances = sum(moodle_question_stats(i)["markvariance"] for i in range(3))
    cic = 100 * 3 / 2 * (1 - variances / total_variance)
    test = analysis.test_stats()
    assert test.same_questions
    assert 100 * test.reliability == pytest.approx(cic)
    assert test.sem == pytest.approx(test.sd * math.sqrt(1 - cic / 100))


def test_random_guess_scores_by_kind():
    assert random_guess(question("single", options=("a", "b", "c", "d"))) == pytest.approx(0.25)
    assert random_guess(question("truefalse", correct=("true",), options=("true", "false"))) == pytest.approx(0.5)
    # Two of three options right, 2 points, partial credit: the seven non-empty choices
    # score 1/2, 1/2, 0, 1, 0, 0, 1/2 of the marks; their mean is 2.5 / 7.
    multiple = question("multiple", points=2, correct=("a", "b"), options=("a", "b", "c"))
    assert random_guess(multiple) == pytest.approx(2.5 / 7)
    matching = question("matching", correct=(), options=("a", "b", "c"), prompts=("a", "b"))
    assert random_guess(matching) == pytest.approx(1 / 3)


def miskeyed_analysis(n: int) -> ItemAnalysis:
    """Stronger learners (high totals) pick 'b', which is keyed wrong; 'c' is never chosen."""
    meta = question_meta(question("single", options=("a", "b", "c", "d")))
    other = QuestionMeta("other", "single", 1, (), None)
    rows = []
    for i in range(n):
        strong = i % 3 == 0
        choice = "b" if strong else ("a" if i % 3 == 1 else "d")
        mark = 1 if choice == "a" else 0
        rest = 9 if strong else 3
        rows.append((mark + rest, choice, mark))
    percents = Counter(round(10 * total, 1) for total, _c, _m in rows)
    analysis = ItemAnalysis({meta.id: meta, "other": other}, tertile_cuts(percents))
    for total, choice, mark in rows:
        results = {meta.id: [f"{mark}/1", bool(mark)], "other": [f"{total - mark}/1", True]}
        analysis.add(total, round(10 * total, 1), results, {meta.id: {"chosen": [choice]}}, "uk")
    return analysis


def test_a_distractor_the_upper_third_prefers_raises_check_the_key():
    stats = miskeyed_analysis(60).item_stats("q-single", Thresholds())
    assert stats.enough
    assert stats.discrimination < 0
    assert FLAG_CHECK_KEY in stats.flags
    assert FLAG_UNUSED_OPTION in stats.flags  # 'c': nobody
    upper_b = next(o.upper_share for o in stats.options if o.id == "b")
    assert upper_b == 1.0


def test_below_the_minimum_n_no_flag_is_raised():
    stats = miskeyed_analysis(29).item_stats("q-single", Thresholds(min_n=30))
    assert not stats.enough
    assert stats.flags == ()
    assert stats.n == 29


def test_too_easy_and_weak_discrimination_flags():
    meta = QuestionMeta("easy", "single", 1, (("a", True), ("b", False)), 0.5)
    analysis = ItemAnalysis({"easy": meta}, (None, None))
    for i in range(100):
        mark = 0 if i in (0, 50) else 1
        analysis.add(mark + i % 7, float(i), {"easy": [f"{mark}/1", bool(mark)]}, {"easy": {"chosen": ["a"]}}, "en")
    stats = analysis.item_stats("easy", Thresholds())
    assert stats.facility == pytest.approx(0.98)
    assert FLAG_TOO_EASY in stats.flags
    assert FLAG_LOW_DISCRIMINATION in stats.flags or stats.discrimination >= 0.2


def test_language_gap_is_flagged_when_the_intervals_do_not_overlap():
    meta = QuestionMeta("q", "single", 1, (), None)
    analysis = ItemAnalysis({"q": meta}, (None, None))
    for i in range(80):
        analysis.add(1.0, 50.0, {"q": ["1/1" if i % 10 else "0/1", True]}, {}, "uk")  # 90 % right
        analysis.add(1.0, 50.0, {"q": ["1/1" if i % 2 else "0/1", True]}, {}, "en", counted=False)  # 50 %
    (gap,) = analysis.language_gaps(("uk", "en"), Thresholds())
    assert gap.by_lang["uk"][0] == 80 and gap.by_lang["en"][0] == 80
    assert gap.differs
    assert analysis.item_stats("q", Thresholds()).n == 80  # English attempts fed only the comparison
