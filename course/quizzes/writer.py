"""Write quiz drafts back out as a quiz file (the format of docs/authoring.md, "Quizzes").

Core module: standard library and PyYAML. Used by the GIFT importer; `parse_body` of the
result gives back the same drafts (tests check the round trip).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import yaml

from course.quizzes.parser import CaseDraft, QuestionDraft

# Lines that would otherwise start a heading or an option in the middle of a text block.
RESERVED_START = re.compile(r"^(#|- \[[ xX]\]|-\s.*=>|- .*\{#[^{}]*\}\s*$|- =|- \*(\s|$))")


def write_quiz(
    front: Mapping[str, Any], intro: str, cases: Sequence[CaseDraft], questions: Sequence[QuestionDraft]
) -> str:
    """The text of a quiz file: front matter, intro, then each case before its first question."""
    header = yaml.safe_dump(dict(front), allow_unicode=True, sort_keys=False, width=1000)
    parts = ["---\n" + header + "---\n"]
    if intro.strip():
        parts.append(_block(intro) + "\n")
    written: set[str] = set()
    by_id = {c.id: c for c in cases}
    for question in questions:
        if question.case and question.case not in written and question.case in by_id:
            parts.append(_case(by_id[question.case]))
            written.add(question.case)
        parts.append(_question(question))
    for case in cases:  # cases no question uses still keep their text
        if case.id not in written:
            parts.append(_case(case))
    return "\n".join(parts)


def _case(case: CaseDraft) -> str:
    return f"# {_one_line(case.title)} {{#{case.id}}}\n\n{_block(case.body)}\n"


def _question(q: QuestionDraft) -> str:
    attrs = f"#{q.id} type={q.kind}"
    if q.points != 1:
        attrs += f" points={q.points}"
    if q.case:
        attrs += f" case={q.case}"
    lines = [f"## {_one_line(q.title)} {{{attrs}}}", ""]
    if q.body.strip():
        lines += [_block(q.body), ""]
    for option in q.options:
        if option.mark == "=":  # typed kinds: an accepted answer
            lines.append(f"- = {_one_line(option.text)}")
        elif option.mark == "*":  # typed kinds: the feedback for any other answer follows
            lines.append("- *")
        elif option.mark is None and option.left:
            lines.append(f"- {_one_line(option.left)} {{#{option.id}}} => {_one_line(option.text)}")
        elif option.mark is None:
            lines.append(f"- => {_one_line(option.text)} {{#{option.id}}}")
        else:
            lines.append(f"- [{option.mark}] {_one_line(option.text)} {{#{option.id}}}")
        lines += [("  " + line).rstrip() for line in option.feedback.strip("\n").split("\n") if option.feedback.strip()]
    if q.general_feedback.strip():
        lines.append("")
        lines += [("> " + line).rstrip() for line in q.general_feedback.strip("\n").split("\n")]
    return "\n".join(lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _block(text: str) -> str:
    """A Markdown block whose lines cannot be mistaken for quiz structure."""
    return "\n".join("\\" + line if RESERVED_START.match(line) else line for line in text.strip("\n").split("\n"))
