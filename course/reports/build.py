"""Lay the counts out as tables: the one layout the screen and the CSV both print.

Use-case layer without a database: counts from `queries` in, `Table`s out. Labels arrive
translated through the `gettext` passed in, so this module never imports Flask. Every count
goes through `suppress` and every percentage through `percent`, whatever the table.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from course.accounts.choices import ORG_TYPES, REGIONS
from course.content.types import Module, pick
from course.reports.queries import CertificateCounts, FunnelCounts, QuizVersionCounts
from course.reports.statistics import median_of_counts
from course.reports.tables import Cell, Chart, Column, Table, percent, suppress

Translate = Callable[..., str]
LANGUAGE_NAMES = {"uk": "Українська", "en": "English"}


def group_label(by: str, value: str, _: Translate) -> str:
    """The breakdown value as people read it (an oblast's name, not its code)."""
    if by == "region":
        return _(REGIONS[value]) if value in REGIONS else value
    if by == "org_type":
        return _(ORG_TYPES[value]) if value in ORG_TYPES else value
    if by == "lang":
        return LANGUAGE_NAMES.get(value, value)
    return _("All learners")


def stages(counts: FunnelCounts, modules: Sequence[Module], quizzes: Mapping, lang: str, _: Translate):
    """The funnel's stages in order: (label, {group: count})."""
    out = [(_("Registered"), counts.registered), (_("Started (read a lesson or took a quiz)"), counts.started)]
    for module in modules:
        per_group = {g: counts.modules.get((g, module.id), 0) for g in counts.groups}
        out.append((_("Completed module: %(title)s", title=pick(module.title, lang)), per_group))
    for quiz_id, quiz in quizzes.items():
        per_group = {g: counts.quizzes.get((g, quiz_id), 0) for g in counts.groups}
        out.append((_("Passed: %(title)s", title=pick(quiz.title, lang)), per_group))
    out.append((_("Certified (a valid certificate)"), counts.certified))
    return out


def funnel_tables(
    counts: FunnelCounts, modules: Sequence[Module], quizzes: Mapping, by: str, lang: str, threshold: int, _: Translate
) -> list[Table]:
    """The funnel for everyone selected, and per group when a breakdown is chosen."""
    steps = stages(counts, modules, quizzes, lang, _)
    registered = suppress(sum(counts.registered.values()), threshold)
    rows: list[tuple[Cell, ...]] = []
    previous: Cell = registered
    for label, per_group in steps:
        count = suppress(sum(per_group.get(g, 0) for g in counts.groups), threshold)
        rows.append((label, count, percent(count, registered), percent(count, previous)))  # type: ignore[arg-type]
        previous = count
    columns = (
        Column(_("Stage"), numeric=False),
        Column(_("Learners")),
        Column(_("Per cent of registered")),
        Column(_("Per cent of the stage before")),
    )
    note = _("Percentages are of the learners registered, or of the stage before.")
    tables = [Table("funnel", _("Funnel"), columns, rows, note, Chart(2, _("Per cent of registered"), 100.0))]
    if by != "none":
        tables.append(_funnel_breakdown(counts, steps, by, threshold, _))
    return tables


def _funnel_breakdown(counts: FunnelCounts, steps, by: str, threshold: int, _: Translate) -> Table:
    columns = [Column(_("Group"), numeric=False)] + [Column(label) for label, _unused in steps]
    columns.append(Column(_("Certified, per cent of registered")))
    rows = []
    for group in counts.groups:
        cells = [suppress(per_group.get(group, 0), threshold) for _unused, per_group in steps]
        rows.append((group_label(by, group, _), *cells, percent(cells[-1], cells[0])))
    title = _("Funnel by group")
    note = _("Each row counts the learners of one group; the last column's denominator is the group's registered.")
    return Table(
        "funnel_by_group", title, tuple(columns), rows, note, Chart(len(columns) - 1, columns[-1].label, 100.0)
    )


def _result_row(label: str, c: QuizVersionCounts, threshold: int) -> tuple:
    """One quiz version's row of the results table; the times to pass only above the threshold."""
    learners, passed = suppress(c.learners, threshold), suppress(c.passed, threshold)
    small = isinstance(passed, int) and passed >= threshold
    tries = median_of_counts(c.tries) if small else None
    mean_tries = _weighted_mean(c.tries) if small else None
    hours = median_of_counts(c.hours) if small else None
    attempts = suppress(c.attempts, threshold)
    return (label, attempts, learners, passed, percent(passed, learners), tries, mean_tries, hours)


def quiz_tables(
    counts: Sequence[QuizVersionCounts],
    quizzes: Mapping,
    dates: Mapping[str, datetime],
    lang: str,
    threshold: int,
    _: Translate,
) -> list[Table]:
    """Pass rates, attempts and time to pass, and score distributions per quiz version."""
    labels = [version_label(c.quiz_id, c.content_hash, quizzes, dates, lang) for c in counts]
    rows = [_result_row(label, c, threshold) for label, c in zip(labels, counts, strict=True)]
    columns = (
        Column(_("Quiz and version"), numeric=False),
        Column(_("Graded attempts")),
        Column(_("Learners who took it")),
        Column(_("Learners who passed")),
        Column(_("Pass rate, per cent of learners who took it")),
        Column(_("Attempts to pass (median)")),
        Column(_("Attempts to pass (mean)")),
        Column(_("Hours from first start to pass (median)")),
    )
    note = _("Attempts to pass and time to pass are shown once at least %(n)s learners have passed.", n=threshold)
    results = Table("quiz_results", _("Quiz results"), columns, rows, note, Chart(4, _("Pass rate, %"), 100.0))
    bands = [f"{10 * i}–{10 * i + 9}" if i < 9 else "90–100" for i in range(10)]
    distribution = Table(
        "score_distribution",
        _("Score distribution (graded attempts per score band, %)"),
        (Column(_("Quiz and version"), numeric=False), *(Column(band) for band in bands)),
        [(label, *(suppress(n, threshold) for n in c.scores)) for label, c in zip(labels, counts, strict=True)],
        _("Every graded attempt counts, retakes included."),
    )
    return [results, distribution]


def _weighted_mean(counts: Mapping[int, int]) -> float | None:
    n = sum(counts.values())
    return round(sum(k * v for k, v in counts.items()) / n, 1) if n else None


def version_label(quiz_id: str, content_hash: str, quizzes: Mapping, dates: Mapping[str, datetime], lang: str) -> str:
    quiz = quizzes.get(quiz_id)
    title = pick(quiz.title, lang) if quiz is not None else quiz_id
    used = dates.get(content_hash)
    when = f", {used:%Y-%m-%d}" if used else ""
    return f"{title} · v{content_hash[:8]}{when}"


CERTIFICATE_EVENTS = ("issued", "renewed", "revoked", "expired")


def certificate_tables(counts: CertificateCounts, threshold: int, _: Translate) -> list[Table]:
    """Issued, renewed, revoked and expired certificates by month and by region."""
    names = {
        "issued": _("Issued"),
        "renewed": _("Renewed (a later issue)"),
        "revoked": _("Revoked"),
        "expired": _("Expired"),
    }
    by_month = [
        (month, *(suppress(counts.by_month[month][e], threshold) for e in CERTIFICATE_EVENTS))
        for month in sorted(counts.by_month)
    ]
    by_region = [
        (
            group_label("region", region, _),
            *(suppress(counts.by_region[region][e], threshold) for e in CERTIFICATE_EVENTS),
        )
        for region in sorted(counts.by_region, key=lambda r: group_label("region", r, _))
    ]
    events = tuple(Column(names[e]) for e in CERTIFICATE_EVENTS)
    note = _("A month counts the events that happened in it: issues, revocations, expiry dates passed.")
    return [
        Table(
            "certificates_by_month",
            _("Certificates by month"),
            (Column(_("Month"), False), *events),
            by_month,
            note,
            Chart(1, names["issued"]),
        ),
        Table(
            "certificates_by_region",
            _("Certificates by region"),
            (Column(_("Region"), False), *events),
            by_region,
            "",
            Chart(1, names["issued"]),
        ),
    ]
