"""Report statistics against values worked by hand (docs/reports.md shows the same working)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from course.reports.statistics import (
    Moments,
    alpha,
    fisher_interval,
    median_of_counts,
    quantile_of_counts,
    sorted_product_sum,
    standard_error,
    wilson_interval,
)

# Six attempts at three right/wrong questions (1 point each), worked by hand in docs/reports.md.
MARKS = [(1, 1, 1), (1, 1, 0), (1, 0, 1), (1, 0, 0), (0, 1, 0), (0, 0, 0)]


def item_moments(index: int) -> Moments:
    moments = Moments()
    for marks in MARKS:
        moments.add(marks[index], sum(marks) - marks[index])
    return moments


def test_item_rest_statistics_match_the_hand_worked_example():
    m = item_moments(0)
    assert m.mean_x() == pytest.approx(4 / 6)
    assert m.var_x() == pytest.approx(0.266667, abs=1e-6)
    assert m.var_y() == pytest.approx(0.566667, abs=1e-6)
    assert m.cov() == pytest.approx(0.133333, abs=1e-6)
    assert m.correlation() == pytest.approx(0.342997, abs=1e-6)  # (2/15) / sqrt(4/15 * 17/30)
    assert m.cov_max() == pytest.approx(0.333333, abs=1e-6)
    assert m.cov() / m.cov_max() == pytest.approx(0.4)


def test_alpha_and_standard_error_match_the_hand_worked_example():
    totals = Moments()
    for marks in MARKS:
        totals.add(sum(marks), sum(marks))
    assert totals.var_x() == pytest.approx(1.1)
    item_variances = sum(item_moments(i).var_x() for i in range(3))
    assert item_variances == pytest.approx(0.833333, abs=1e-6)
    reliability = alpha(item_variances, totals.var_x(), 3)
    assert reliability == pytest.approx(0.363636, abs=1e-6)
    assert standard_error(math.sqrt(1.1), reliability) == pytest.approx(0.836660, abs=1e-6)


def test_wilson_interval_for_four_of_six():
    low, high = wilson_interval(4, 6)
    assert (round(low, 3), round(high, 3)) == (0.300, 0.903)


def test_wilson_interval_stays_inside_zero_and_one_at_the_extremes():
    assert wilson_interval(0, 10)[0] == pytest.approx(0.0, abs=1e-12)
    assert wilson_interval(10, 10)[1] == pytest.approx(1.0, abs=1e-12)
    assert wilson_interval(0, 0) is None


def test_fisher_interval_for_r_one_half_from_28_pairs():
    low, high = fisher_interval(0.5, 28)
    assert low == pytest.approx(0.15603, abs=1e-4)
    assert high == pytest.approx(0.73582, abs=1e-4)
    assert fisher_interval(0.5, 3) is None


def test_sorted_product_sum_pairs_the_smallest_with_the_smallest():
    # [0, 0, 1, 1, 1, 1] against [0, 0, 1, 1, 1, 2]: 1 + 1 + 1 + 2
    assert sorted_product_sum(Counter({0: 2, 1: 4}), Counter({0: 2, 1: 3, 2: 1})) == 5


def test_median_and_quantiles_from_value_counts():
    assert median_of_counts(Counter({1: 1, 2: 1, 10: 2})) == 6  # [1, 2, 10, 10]
    assert median_of_counts(Counter({3: 3})) == 3
    assert median_of_counts(Counter()) is None
    assert quantile_of_counts(Counter({10: 1, 20: 1, 30: 1}), 1 / 3) == 10


def test_no_correlation_when_an_item_does_not_vary():
    m = Moments()
    for rest in (1, 2, 3):
        m.add(1, rest)
    assert m.var_x() == 0.0
    assert m.correlation() is None
