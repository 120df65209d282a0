"""Write a Frontline quiz file as Moodle GIFT (`flask quizzes export-gift`).

Core module: standard library and this package's core. Split from course.quizzes.gift_convert
(the import side). Missing feedback is a warning here, as on import: Moodle needs none, and a
file `import-gift` has just written (without the feedback the course still asks for) must
export again. Any other problem in the file refuses the export, with its line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course.content.loader import parse_variant, read_source
from course.problems import N_, Problem
from course.quizzes.gift import META_PREFIX, QUIZ_META_PREFIX, escape, meta_comment
from course.quizzes.gift_convert import SHARED_SETTINGS
from course.quizzes.loader import QUIZ_FIELDS, parse_quiz_file
from course.quizzes.parser import QuestionDraft, QuizBody
from course.quizzes.question_types import FEEDBACK_PROBLEMS
from course.quizzes.typed import ACCEPTED, OTHER, gift_number
from course.quizzes.types import MATCHING, NUMERICAL, SHORT_ANSWER, SINGLE, TRUEFALSE


def quiz_to_gift(fields: dict[str, Any], body: QuizBody, path: str) -> tuple[str, list[Problem]]:
    """GIFT text for a parsed quiz file, plus warnings about what Moodle cannot keep."""
    warnings: list[Problem] = []
    settings = {k: fields[k] for k in ("title", *SHARED_SETTINGS) if fields.get(k) is not None}
    out = [
        f"// Exported from the Frontline quiz '{fields['id']}'.",
        meta_comment(QUIZ_META_PREFIX, settings),
        f"$CATEGORY: $course$/{fields['id']}",
        "",
    ]
    cases = {c.id: c for c in body.cases}
    written: set[str] = set()
    for draft in body.questions:
        if draft.case and draft.case in cases and draft.case not in written:
            case = cases[draft.case]
            out += [
                meta_comment(META_PREFIX, {"case": case.id}),
                f"::{escape(case.title)}::[markdown]{escape(_text(case.title, case.body))}",
                "",
            ]
            written.add(case.id)
        out += [_export_question(draft, path, warnings), ""]
    return "\n".join(out), warnings


def _text(title: str, body: str) -> str:
    return title + ("\n\n" + body if body.strip() else "")


def _export_question(draft: QuestionDraft, path: str, warnings: list[Problem]) -> str:
    meta: dict[str, Any] = {
        "id": draft.id,
        "type": draft.kind,
        "points": draft.points,
        "case": draft.case,
        "options": [o.id for o in draft.options],
    }
    head = f"::{escape(draft.title)}::[markdown]{escape(_text(draft.title, draft.body))}"
    general = f"\t####{escape(draft.general_feedback)}\n" if draft.general_feedback.strip() else ""
    if draft.kind in (SHORT_ANSWER, NUMERICAL):
        opening = head + "{" + ("#" if draft.kind == NUMERICAL else "")
        return f"{meta_comment(META_PREFIX, {**meta, 'options': []})}\n{opening}\n{_typed_answers(draft)}{general}}}"
    if draft.kind == TRUEFALSE:
        by_id = {o.id: o for o in draft.options}
        truth = by_id["true"].mark == "x"
        right, wrong = (by_id["true"], by_id["false"]) if truth else (by_id["false"], by_id["true"])
        meta["labels"] = {o.id: o.text for o in draft.options}
        answer = f"{{{'TRUE' if truth else 'FALSE'}#{escape(wrong.feedback)}#{escape(right.feedback)}"
        answer += f"{general.strip()}}}"
        return "\n".join([meta_comment(META_PREFIX, meta), head + answer])
    lines = [meta_comment(META_PREFIX, meta), head + "{"]
    if draft.kind == MATCHING:
        meta["feedback"] = {o.id: o.feedback for o in draft.options if o.feedback.strip()}
        lines[0] = meta_comment(META_PREFIX, meta)
        if meta["feedback"]:
            message = N_("Moodle keeps no feedback per matching item; only the general feedback")
            warnings.append(Problem(path, draft.line, message))
        lines += [f"\t={escape(o.left)} -> {escape(o.text)}" for o in draft.options]
    else:
        correct = sum(1 for o in draft.options if o.mark == "x")
        for option in draft.options:
            prefix = _prefix(draft.kind, option.mark == "x", correct)
            feedback = f"#{escape(option.feedback)}" if option.feedback.strip() else ""
            lines.append(f"\t{prefix}{escape(option.text)}{feedback}")
    return "\n".join(lines) + "\n" + general + "}"


def _typed_answers(draft: QuestionDraft) -> str:
    """Moodle's own export: `=%100%answer#feedback`; numerical `=%100%value:tolerance` or
    `=%100%low..high`; the feedback for any other answer as `=%0%*#...` (short answer) or `~#...`."""
    lines = []
    for option in draft.options:
        feedback = f"#{escape(option.feedback)}" if option.feedback.strip() else ""
        if option.mark == OTHER:
            if feedback:
                lines.append(f"\t~{feedback}" if draft.kind == NUMERICAL else f"\t=%0%*{feedback}")
        elif option.mark == ACCEPTED and draft.kind == NUMERICAL:
            lines.append(f"\t=%100%{_gift_range(option.text)}{feedback}")
        elif option.mark == ACCEPTED:
            lines.append(f"\t=%100%{escape(option.text)}{feedback}")
    return "".join(line + "\n" for line in lines)


def _gift_range(text: str) -> str:
    """`3,5 ± 0,5` as `3.5:0.5`, `1..5` as `1..5`, `3,5` as `3.5` (a checked file, so it parses)."""
    if ".." in text:
        low, _, high = text.partition("..")
        return f"{gift_number(low)}..{gift_number(high)}"
    for sign in ("±", "+/-", "+-"):
        if sign in text:
            value, _, tolerance = text.partition(sign)
            return f"{gift_number(value)}:{gift_number(tolerance)}"
    return gift_number(text)


def _prefix(kind: str, is_correct: bool, correct: int) -> str:
    if kind == SINGLE:
        return "=" if is_correct else "~"
    share = 100 / max(correct, 1)
    weight = f"{share:.5f}".rstrip("0").rstrip(".")
    return f"~%{weight}%" if is_correct else f"~%-{weight}%"


def export_quiz_file(path: Path) -> tuple[str | None, list[Problem], list[Problem]]:
    """GIFT text for one quiz file, or None and the file's problems when it is broken."""
    source, problems = read_source(path)
    if source is None:
        return None, problems, []
    quiz_file = parse_quiz_file(parse_variant(source, QUIZ_FIELDS, False))
    problems = [p for p in quiz_file.variant.problems if p.message not in FEEDBACK_PROBLEMS]
    if problems or not quiz_file.variant.fields:
        return None, problems or quiz_file.variant.problems, []
    feedback = [p for p in quiz_file.variant.problems if p.message in FEEDBACK_PROBLEMS]
    text, warnings = quiz_to_gift(quiz_file.variant.fields, quiz_file.body, source.path)
    return text, [], feedback + warnings
