"""Item analysis of one quiz version: per question and per option, and for the whole test. Pure.

One pass over the analysed attempts (`ItemAnalysis.add`), keeping running sums and value
counts only, so memory does not grow with the number of attempts. The statistics are
Moodle's (facility, SD, discrimination as the corrected item-rest correlation, discriminative
efficiency, random-guess score), each with its N and, for facility and discrimination, a
95 % interval; flags are withheld below a minimum N. Must not import flask or the database.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from course.quizzes.scoring import grade_question
from course.quizzes.types import MATCHING, MULTIPLE, Question, Response
from course.reports.statistics import (
    Moments,
    alpha,
    fisher_interval,
    median_of_counts,
    quantile_of_counts,
    standard_error,
    wilson_interval,
)

POLICIES = ("first", "highest", "last", "all")
MAX_GUESS_SUBSETS = 4096  # 12 options; a multiple-choice question with more is not enumerated


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a flag is raised; printed on the page next to the figures."""

    too_easy: float = 0.90
    too_hard: float = 0.20
    low_discrimination: float = 0.20
    unused_option: float = 0.05
    min_n: int = 30


@dataclass(frozen=True, slots=True)
class QuestionMeta:
    id: str
    kind: str
    points: int
    options: tuple[tuple[str, bool], ...]  # (option id, is keyed correct), in authored order
    guess: float | None


def random_guess(question: Question) -> float | None:
    """The mean score (fraction of full marks) of a learner answering at random.

    Single choice and true/false: one option picked at random. Multiple choice: every non-empty
    set of options equally likely (Moodle 4's rule), graded by the real scorer. Matching: each
    item matched to any of the offered answers at random.
    """
    ids = question.option_ids
    if not ids or question.points <= 0:
        return None
    if question.kind == MATCHING:
        return 1 / len(ids)
    if question.kind == MULTIPLE:
        if 2 ** len(ids) > MAX_GUESS_SUBSETS:
            return None
        subsets = [c for size in range(1, len(ids) + 1) for c in itertools.combinations(ids, size)]
    else:
        subsets = [(option,) for option in ids]
    scores = [grade_question(question, Response.of(subset)).score for subset in subsets]
    return float(sum(scores, Fraction(0)) / len(scores) / question.points)


def question_meta(question: Question) -> QuestionMeta:
    options = () if question.kind == MATCHING else tuple((o.id, o.is_correct) for o in question.options)
    return QuestionMeta(question.id, question.kind, question.points, options, random_guess(question))


@dataclass(frozen=True, slots=True)
class OptionStats:
    id: str
    is_correct: bool
    chosen: int
    share: float | None
    upper_share: float | None
    lower_share: float | None


@dataclass(frozen=True, slots=True)
class ItemStats:
    id: str
    n: int
    facility: float | None
    facility_ci: tuple[float, float] | None
    sd: float | None
    discrimination: float | None
    discrimination_ci: tuple[float, float] | None
    efficiency: float | None
    guess: float | None
    n_upper: int
    n_lower: int
    options: tuple[OptionStats, ...]
    flags: tuple[str, ...]
    enough: bool


@dataclass(frozen=True, slots=True)
class TestStats:
    n: int
    mean: float | None
    median: float | None
    sd: float | None
    reliability: float | None
    sem: float | None
    same_questions: bool
    items_per_attempt: float | None


@dataclass(frozen=True, slots=True)
class LanguageFacility:
    question_id: str
    by_lang: Mapping[str, tuple[int, float | None, tuple[float, float] | None]]
    differs: bool


@dataclass(slots=True)
class _Item:
    moments: Moments = field(default_factory=Moments)
    chosen: Counter = field(default_factory=Counter)
    upper: Counter = field(default_factory=Counter)
    lower: Counter = field(default_factory=Counter)
    n_upper: int = 0
    n_lower: int = 0


def tertile_cuts(percents: Mapping[float, int]) -> tuple[float | None, float | None]:
    """Score cut-offs of the lower and the upper third of attempts (ties join the group)."""
    n = sum(percents.values())
    if n == 0:
        return None, None
    third = -(-n // 3)
    return quantile_of_counts(percents, third / n), quantile_of_counts(percents, (n - third + 1) / n)


_SCORES: dict[str, float] = {}


def parse_score(text: str) -> float:
    """An attempt's stored per-question score, "n/d", as a float (few distinct values: kept)."""
    value = _SCORES.get(text)
    if value is None:
        numerator, _, denominator = text.partition("/")
        value = _SCORES[text] = int(numerator) / int(denominator or 1)
    return value


class ItemAnalysis:
    """Accumulates attempts, then reports per question (`item_stats`) and per test (`test_stats`).

    Attempts are split into thirds by their percentage; `cuts` come from `tertile_cuts` over
    the same attempts. Either feed whole attempts (`add`), or counts already grouped by the
    database (`add_attempts` once per (total, percentage), `add_item` once per (question,
    mark, total, percentage, language, options chosen)): the figures are the same.
    """

    def __init__(self, questions: Mapping[str, QuestionMeta], cuts: tuple[float | None, float | None]) -> None:
        self.questions = questions
        self.low, self.high = cuts
        self.items: dict[str, _Item] = {qid: _Item() for qid in questions}
        self.totals = Moments()
        self.percents: Counter = Counter()
        self.by_lang: dict[tuple[str, str], list[float]] = {}

    def add(
        self, total: float, percent: float, results: Mapping, answers: Mapping | None, lang: str, counted: bool = True
    ) -> None:
        """One attempt: its total marks, percentage, per-question results and answers. An
        attempt not `counted` (another language than the one analysed) feeds only the
        per-language facilities."""
        if counted:
            self.add_attempts(total, percent, 1)
        answers = answers or {}
        for qid, (score_text, _correct) in results.items():
            chosen = (answers.get(qid) or {}).get("chosen") or ()
            self.add_item(qid, parse_score(score_text), total, percent, chosen, lang, counted, 1)

    def add_attempts(self, total: float, percent: float, count: int) -> None:
        """`count` analysed attempts with this total and percentage."""
        self.totals.add(total, total, count)
        self.percents[percent] += count

    def add_item(
        self,
        qid: str,
        x: float,
        total: float,
        percent: float,
        chosen: Iterable[str],
        lang: str,
        counted: bool,
        count: int,
    ) -> None:
        """`count` answers to one question with mark x in attempts with this total."""
        item = self.items.get(qid)
        if item is None:
            return
        self._count_language(qid, lang, x, count)
        if not counted:
            return
        item.moments.add(x, total - x, count)
        chosen = tuple(chosen)
        for option in chosen:
            item.chosen[option] += count
        if self.low is not None and percent <= self.low:
            item.n_lower += count
            for option in chosen:
                item.lower[option] += count
        elif self.high is not None and percent >= self.high:
            item.n_upper += count
            for option in chosen:
                item.upper[option] += count

    def _count_language(self, qid: str, lang: str, x: float, count: int) -> None:
        per_lang = self.by_lang.setdefault((qid, lang), [0, 0.0])
        per_lang[0] += count
        per_lang[1] += x * count

    def seen(self, qid: str) -> bool:
        """Whether any attempt, in any language, asked the question."""
        return any(key[0] == qid for key in self.by_lang)

    def item_stats(self, qid: str, thresholds: Thresholds) -> ItemStats:
        """Every statistic of one question, and its flags when N is large enough."""
        meta, item = self.questions[qid], self.items[qid]
        m, points = item.moments, meta.points or 1
        mean_x = m.mean_x()
        facility = None if mean_x is None else mean_x / points
        var_x, cov, cov_max = m.var_x(), m.cov(), m.cov_max()
        sd = None if var_x is None else var_x**0.5 / points
        r = m.correlation()
        efficiency = cov / cov_max if cov is not None and cov_max else None
        options = tuple(_option(o, correct, item) for o, correct in meta.options)
        stats = ItemStats(
            qid,
            m.n,
            facility,
            None if facility is None else wilson_interval(facility * m.n, m.n),
            sd,
            r,
            fisher_interval(r, m.n),
            efficiency,
            meta.guess,
            item.n_upper,
            item.n_lower,
            options,
            (),
            m.n >= thresholds.min_n,
        )
        return _with_flags(stats, thresholds)

    def test_stats(self) -> TestStats:
        """Mean, median and SD of the percentages; reliability and SEM (see docs/reports.md)."""
        n = self.totals.n
        percent_moments = Moments()
        for value, count in self.percents.items():
            percent_moments.add(value, value, count)
        var_p = percent_moments.var_x()
        sd = None if var_p is None else var_p**0.5
        reliability = self._reliability()
        return TestStats(
            n,
            percent_moments.mean_x(),
            median_of_counts(self.percents),
            sd,
            reliability,
            standard_error(sd, reliability),
            self._same_questions(),
            self._asked() / n if n else None,
        )

    def _asked(self) -> int:
        return sum(item.moments.n for item in self.items.values())

    def _same_questions(self) -> bool:
        """Every analysed attempt was asked every question asked at all (no random draw)."""
        counts = {item.moments.n for item in self.items.values() if item.moments.n}
        return counts <= {self.totals.n}

    def _reliability(self) -> float | None:
        """Alpha over the marks. With a fixed set of questions it is exact (KR-20 when every
        question is right/wrong); when questions are drawn at random it is estimated from
        the mean question variance times the questions per attempt."""
        n = self.totals.n
        variances = [(i.moments.n, i.moments.var_x()) for i in self.items.values() if i.moments.n > 1]
        if n < 2 or not variances:
            return None
        if self._same_questions():
            k = len(variances)
            item_sum = sum(v for _, v in variances if v is not None)
        else:
            k = round(self._asked() / n)
            weight = sum(count for count, _ in variances)
            item_sum = k * sum(count * (v or 0.0) for count, v in variances) / weight
        return alpha(item_sum, self.totals.var_x(), k)

    def language_gaps(self, languages: Iterable[str], thresholds: Thresholds) -> list[LanguageFacility]:
        """Facility per language of each question; `differs` when both have enough answers and
        their 95 % intervals do not overlap (a translation defect worth a look)."""
        rows = []
        for qid, meta in self.questions.items():
            by_lang = {}
            for lang in languages:
                count, total = self.by_lang.get((qid, lang), (0, 0.0))
                facility = total / (meta.points or 1) / count if count else None
                interval = None if facility is None else wilson_interval(facility * count, count)
                by_lang[lang] = (int(count), facility, interval)
            rows.append(LanguageFacility(qid, by_lang, _intervals_apart(by_lang.values(), thresholds.min_n)))
        return rows


def _intervals_apart(values: Iterable[tuple[int, float | None, tuple[float, float] | None]], min_n: int) -> bool:
    intervals = [ci for n, _, ci in values if n >= min_n and ci is not None]
    return len(intervals) >= 2 and max(low for low, _ in intervals) > min(high for _, high in intervals)


def _option(option_id: str, is_correct: bool, item: _Item) -> OptionStats:
    def share(count: int, n: int) -> float | None:
        return count / n if n else None

    return OptionStats(
        option_id,
        is_correct,
        item.chosen[option_id],
        share(item.chosen[option_id], item.moments.n),
        share(item.upper[option_id], item.n_upper),
        share(item.lower[option_id], item.n_lower),
    )


FLAG_TOO_EASY = "too_easy"
FLAG_TOO_HARD = "too_hard"
FLAG_LOW_DISCRIMINATION = "low_discrimination"
FLAG_CHECK_KEY = "check_key"
FLAG_UNUSED_OPTION = "unused_option"


def _with_flags(stats: ItemStats, t: Thresholds) -> ItemStats:
    """The plain-words flags of docs/reports.md; none below the minimum N."""
    if not stats.enough or stats.facility is None:
        return stats
    flags = []
    if stats.facility > t.too_easy:
        flags.append(FLAG_TOO_EASY)
    if stats.facility < t.too_hard:
        flags.append(FLAG_TOO_HARD)
    r = stats.discrimination
    if r is not None and 0 <= r < t.low_discrimination:
        flags.append(FLAG_LOW_DISCRIMINATION)
    if (r is not None and r < 0) or _distractor_beats_key(stats.options):
        flags.append(FLAG_CHECK_KEY)
    if any(o.share is not None and o.share < t.unused_option for o in stats.options):
        flags.append(FLAG_UNUSED_OPTION)
    return _replace_flags(stats, tuple(flags))


def _distractor_beats_key(options: tuple[OptionStats, ...]) -> bool:
    """A wrong option chosen by more of the upper third than the (least chosen) keyed one."""
    keyed = [o.upper_share for o in options if o.is_correct and o.upper_share is not None]
    wrong = [o.upper_share for o in options if not o.is_correct and o.upper_share is not None]
    return bool(keyed and wrong) and max(wrong) > min(keyed)


def _replace_flags(stats: ItemStats, flags: tuple[str, ...]) -> ItemStats:
    return dataclasses.replace(stats, flags=flags)
