"""Descriptive statistics the reports need, in plain Python: pure, typed, no Flask or database.

Every function works from running sums or value counts, never from a list of every attempt,
so a report's memory does not grow with the number of learners (the CSV must stream flat).
The formulas are those of Moodle's quiz statistics (question/classes/statistics/questions/
calculator.php), named and explained for trainers in docs/reports.md.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

Z95 = 1.959963984540054  # the 97.5th percentile of the standard normal distribution


@dataclass(slots=True)
class Moments:
    """Running sums of two paired variables x and y: enough for means, variances, covariance."""

    n: int = 0
    sx: float = 0.0
    sy: float = 0.0
    sxx: float = 0.0
    syy: float = 0.0
    sxy: float = 0.0
    x_counts: Counter = field(default_factory=Counter)
    y_counts: Counter = field(default_factory=Counter)

    def add(self, x: float, y: float, count: int = 1) -> None:
        """One pair (x, y), or `count` identical pairs."""
        self.n += count
        self.sx += x * count
        self.sy += y * count
        self.sxx += x * x * count
        self.syy += y * y * count
        self.sxy += x * y * count
        self.x_counts[x] += count
        self.y_counts[y] += count

    def mean_x(self) -> float | None:
        return self.sx / self.n if self.n else None

    def var_x(self) -> float | None:
        """Sample variance of x (divided by n - 1, as Moodle does)."""
        return _sample(self.sxx, self.sx, self.sx, self.n)

    def var_y(self) -> float | None:
        return _sample(self.syy, self.sy, self.sy, self.n)

    def cov(self) -> float | None:
        return _sample(self.sxy, self.sx, self.sy, self.n)

    def cov_max(self) -> float | None:
        """The covariance x and y would have if both were sorted the same way: the largest
        possible for these two sets of values (Moodle's `covariancemax`)."""
        if self.n < 2:
            return None
        paired = sorted_product_sum(self.x_counts, self.y_counts)
        return (paired - self.sx * self.sy / self.n) / (self.n - 1)

    def correlation(self) -> float | None:
        """Pearson's r, or None when either variable does not vary."""
        vx, vy, cov = self.var_x(), self.var_y(), self.cov()
        if vx is None or vy is None or cov is None or vx <= 0 or vy <= 0:
            return None
        return max(-1.0, min(1.0, cov / math.sqrt(vx * vy)))


def _sample(sum_products: float, sum_a: float, sum_b: float, n: int) -> float | None:
    if n < 2:
        return None
    value = (sum_products - sum_a * sum_b / n) / (n - 1)
    return 0.0 if abs(value) < 1e-12 else value


def sorted_product_sum(x_counts: Mapping[float, int], y_counts: Mapping[float, int]) -> float:
    """Sum of x_(i) * y_(i) with both value lists sorted ascending, from their value counts."""
    xs, ys = sorted(x_counts.items()), sorted(y_counts.items())
    total, j, y_left = 0.0, 0, ys[0][1] if ys else 0
    for x, count in xs:
        while count:
            take = min(count, y_left)
            total += x * ys[j][0] * take
            count -= take
            y_left -= take
            if y_left == 0 and j + 1 < len(ys):
                j += 1
                y_left = ys[j][1]
    return total


def wilson_interval(successes: float, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval for a proportion successes / n (95 % by default)."""
    if n <= 0:
        return None
    p = successes / n
    denominator = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denominator
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


def fisher_interval(r: float | None, n: int, z: float = Z95) -> tuple[float, float] | None:
    """A 95 % interval for a correlation r from n pairs, through Fisher's z = atanh(r)."""
    if r is None or n <= 3:
        return None
    clipped = max(-0.999999, min(0.999999, r))
    centre, half = math.atanh(clipped), z / math.sqrt(n - 3)
    return math.tanh(centre - half), math.tanh(centre + half)


def median_of_counts(counts: Mapping[float, int]) -> float | None:
    """The median of a multiset given as value -> how many times (the mean of the middle two)."""
    n = sum(counts.values())
    if n == 0:
        return None
    ordered = sorted(counts.items())
    return (_nth(ordered, (n - 1) // 2) + _nth(ordered, n // 2)) / 2


def _nth(ordered: list[tuple[float, int]], index: int) -> float:
    seen = 0
    for value, count in ordered:
        seen += count
        if index < seen:
            return value
    return ordered[-1][0]


def quantile_of_counts(counts: Mapping[float, int], fraction: float) -> float | None:
    """The value at rank ceil(fraction * n) (1-based) of the multiset: a tertile cut-off."""
    n = sum(counts.values())
    if n == 0:
        return None
    rank = max(1, math.ceil(fraction * n))
    return _nth(sorted(counts.items()), rank - 1)


def mean(values: Iterable[float]) -> float | None:
    items = list(values)
    return sum(items) / len(items) if items else None


def alpha(item_variance_sum: float, total_variance: float | None, items: int) -> float | None:
    """Cronbach's alpha (KR-20 for right/wrong items): k/(k-1) * (1 - sum of item variances /
    variance of the totals). Moodle's "coefficient of internal consistency" divided by 100."""
    if items < 2 or not total_variance or total_variance <= 0:
        return None
    return items / (items - 1) * (1 - item_variance_sum / total_variance)


def standard_error(sd: float | None, reliability: float | None) -> float | None:
    """Standard error of measurement: SD * sqrt(1 - reliability) (Moodle: errorratio * SD)."""
    if sd is None or reliability is None:
        return None
    return sd * math.sqrt(max(0.0, 1 - reliability))


def histogram(values: Mapping[float, int], edges: tuple[float, ...]) -> list[int]:
    """Counts of values in [edges[i], edges[i+1]), the last bin closed on the right."""
    counts = [0] * (len(edges) - 1)
    for value, count in values.items():
        for i in range(len(counts)):
            last = i == len(counts) - 1
            if edges[i] <= value < edges[i + 1] or (last and value == edges[-1]):
                counts[i] += count
                break
    return counts
