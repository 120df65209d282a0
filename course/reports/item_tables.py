"""The item analysis laid out as tables (screen and CSV alike), with flags in plain words.

No database, no Flask: an `ItemAnalysis` and the version's questions in, `Table`s out, labels
translated through the `gettext` passed in. Counts below the suppression threshold are
withheld like everywhere else; below the minimum N a question says "not enough answers yet".
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping, Sequence

from course.content.types import pick
from course.quizzes.types import Question
from course.reports import items as flags_
from course.reports.items import ItemAnalysis, ItemStats, Thresholds
from course.reports.tables import WITHHELD, Cell, Chart, Column, Table, suppress

Translate = Callable[..., str]
TAG = re.compile(r"<[^>]+>")


def plain(markup: str, limit: int = 90) -> str:
    """Text of sanitised HTML for a table cell: tags dropped, entities decoded, shortened."""
    text = " ".join(html.unescape(TAG.sub(" ", markup)).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def flag_texts(t: Thresholds, _: Translate) -> dict[str, str]:
    """Each flag in plain words, with its threshold (also printed in the legend)."""
    return {
        flags_.FLAG_TOO_EASY: _("Too easy: more than %(n)s%% answer it right", n=round(100 * t.too_easy)),
        flags_.FLAG_TOO_HARD: _("Too hard: fewer than %(n)s%% answer it right", n=round(100 * t.too_hard)),
        flags_.FLAG_LOW_DISCRIMINATION: _(
            "Does not separate stronger from weaker learners (discrimination below %(d)s)", d=t.low_discrimination
        ),
        flags_.FLAG_CHECK_KEY: _(
            "Check the key: stronger learners do worse on it, or pick a wrong option more than the right one"
        ),
        flags_.FLAG_UNUSED_OPTION: _("An option almost nobody chooses (under %(n)s%%)", n=round(100 * t.unused_option)),
    }


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def question_row(stats: ItemStats, title: str, threshold: int, t: Thresholds, _: Translate) -> tuple[Cell, ...]:
    n = suppress(stats.n, threshold)
    if not isinstance(n, int):
        return (title, n, *([WITHHELD] * 9), "")
    f_ci, d_ci = stats.facility_ci or (None, None), stats.discrimination_ci or (None, None)
    if not stats.enough:
        verdict = _("Not enough answers yet (%(n)s of the %(min)s needed)", n=stats.n, min=t.min_n)
    else:
        texts = flag_texts(t, _)
        verdict = "; ".join(texts[f] for f in stats.flags) or _("No flag")
    return (
        title,
        n,
        _pct(stats.facility),
        _pct(f_ci[0]),
        _pct(f_ci[1]),
        _pct(stats.sd),
        _r(stats.discrimination),
        _r(d_ci[0]),
        _r(d_ci[1]),
        _pct(stats.efficiency),
        _pct(stats.guess),
        verdict,
    )


def item_tables(
    analysis: ItemAnalysis,
    questions: Mapping[str, Question],
    asked: Sequence[str],
    lang: str,
    threshold: int,
    t: Thresholds,
    _: Translate,
) -> list[Table]:
    """Test summary, one row per question, one per option, and the languages side by side."""
    stats = {qid: analysis.item_stats(qid, t) for qid in asked}
    titles = {qid: plain(pick(questions[qid].title, lang)) or qid for qid in asked}
    columns = (
        Column(_("Question"), False),
        Column(_("N (answers)")),
        Column(_("Facility, % (average score)")),
        Column(_("Facility, 95 per cent interval, from")),
        Column(_("Facility, 95 per cent interval, to")),
        Column(_("SD, per cent of the marks")),
        Column(_("Discrimination (item-rest correlation)")),
        Column(_("Discrimination, 95 per cent interval, from")),
        Column(_("Discrimination, 95 per cent interval, to")),
        Column(_("Discriminative efficiency, %")),
        Column(_("Random-guess score, %")),
        Column(_("What to look at"), False),
    )
    rows = [question_row(stats[qid], titles[qid], threshold, t, _) for qid in asked]
    note = _("N is the number of analysed attempts that were asked the question.")
    per_question = Table(
        "questions", _("Questions"), columns, rows, note, Chart(2, _("Facility, %"), 100.0), [f"q-{q}" for q in asked]
    )
    return [
        _test_table(analysis, threshold, _),
        per_question,
        _option_table(stats, questions, titles, lang, threshold, _),
        _language_table(analysis, titles, asked, threshold, t, _),
    ]


def _test_table(analysis: ItemAnalysis, threshold: int, _: Translate) -> Table:
    test = analysis.test_stats()
    n = suppress(test.n, threshold)
    hidden = not isinstance(n, int)

    def value(number: float | None, scale: float = 1.0, digits: int = 1) -> Cell:
        return WITHHELD if hidden else (None if number is None else round(number * scale, digits))

    reliability_label = _("Reliability (Cronbach's alpha; KR-20 for right/wrong questions)")
    if not test.same_questions:
        reliability_label = _("Reliability, estimated (questions are drawn at random: see the notes)")
    rows = [
        (_("Attempts analysed"), n),
        (_("Mean score, %"), value(test.mean)),
        (_("Median score, %"), value(test.median)),
        (_("Standard deviation, %"), value(test.sd)),
        (reliability_label, value(test.reliability, 1.0, 2)),
        (_("Standard error of measurement, %"), value(test.sem)),
        (_("Questions per attempt"), value(test.items_per_attempt)),
    ]
    return Table("test", _("The test as a whole"), (Column(_("Statistic"), False), Column(_("Value"))), rows)


def _option_table(stats, questions, titles, lang: str, threshold: int, _: Translate) -> Table:
    rows = []
    for qid, item in stats.items():
        by_id = {o.id: o for o in questions[qid].options}
        for option in item.options:
            chosen = suppress(option.chosen, threshold)
            hidden = not isinstance(chosen, int) or not isinstance(suppress(item.n, threshold), int)
            shares = [WITHHELD if hidden else _pct(s) for s in (option.share, option.upper_share, option.lower_share)]
            text = plain(pick(by_id[option.id].html, lang), 70) if option.id in by_id else option.id
            keyed = _("right") if option.is_correct else _("wrong")
            rows.append((titles[qid], text, keyed, chosen, *shares))
    columns = (
        Column(_("Question"), False),
        Column(_("Option"), False),
        Column(_("Key"), False),
        Column(_("Times chosen")),
        Column(_("Chosen by, per cent of all")),
        Column(_("Chosen by, per cent of the upper third")),
        Column(_("Chosen by, per cent of the lower third")),
    )
    note = _("Thirds are cut by the attempt's score; for multiple-answer questions the shares add up to more than 100.")
    return Table("options", _("Options of choice questions"), columns, rows, note)


def _language_table(analysis, titles, asked, threshold: int, t: Thresholds, _: Translate) -> Table:
    rows = []
    for gap in analysis.language_gaps(("uk", "en"), t):
        if gap.question_id not in titles:
            continue
        cells: list[Cell] = [titles[gap.question_id]]
        for lang in ("uk", "en"):
            n, facility, _ci = gap.by_lang[lang]
            count = suppress(n, threshold)
            cells += [count, _pct(facility) if isinstance(count, int) else WITHHELD]
        cells.append(_("Possible translation problem: the two differ beyond chance") if gap.differs else "")
        rows.append(tuple(cells))
    columns = (
        Column(_("Question"), False),
        Column(_("N, Ukrainian")),
        Column(_("Facility, %, Ukrainian")),
        Column(_("N, English")),
        Column(_("Facility, %, English")),
        Column(_("Note"), False),
    )
    note = _("Flagged when both languages have enough answers and their 95 per cent intervals do not overlap.")
    return Table("languages", _("The same questions in Ukrainian and English"), columns, rows, note)
