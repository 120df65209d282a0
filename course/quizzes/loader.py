"""Load every quiz file under `quizzes/` into Quiz objects, collecting every problem.

Core module: standard library, course.content's loader (reading, front matter, grouping,
hashing) and this package's core. Entry point: `load_quiz_sources(sources, modules)`, called by
`course.content.catalog.build_catalog_from_files`; `load_quizzes(quizzes_dir, modules)` reads a
folder first. A quiz with any problem, in either language, is left
out; the others load. Problems are `Problem(path, line, message, params)` for a course admin.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from course.content.loader import (
    SourceFile,
    Variant,
    content_hash,
    group_by_id,
    parse_variant,
    read_directory,
)
from course.content.types import LANGUAGES, Module
from course.frontmatter import Field, check_id, positive
from course.problems import N_, Problem
from course.quizzes.build import build_quiz, check_links
from course.quizzes.parser import QuizBody, parse_body
from course.quizzes.question_types import REGISTRY, question_type
from course.quizzes.types import GRADING_METHODS, REVIEW_MODES, Quiz


def _pass_mark(value: Any) -> str | None:
    return None if 1 <= value <= 100 else N_("'{key}' must be from 1 to 100, not '{value}'")


def _not_negative(value: Any) -> str | None:
    return None if value >= 0 else N_("'{key}' must be zero or more, not '{value}'")


def _grading(value: Any) -> str | None:
    if value in GRADING_METHODS:
        return None
    return N_("'{key}' must be highest, latest or first, not '{value}'")


def _review(value: Any) -> str | None:
    if value in REVIEW_MODES:
        return None
    return N_("'{key}' must be full, feedback or score, not '{value}'")


QUIZ_FIELDS = (
    Field("id", str, required=True, check=check_id),
    Field("module", str, check=check_id),
    Field("final", bool, default=False),
    Field("draw_per_module", int, check=positive),
    Field("title", str, required=True),
    Field("pass_mark", int, default=80, check=_pass_mark),
    Field("draw", int, check=positive),
    Field("shuffle_questions", bool, default=True),
    Field("shuffle_options", bool, default=True),
    Field("max_attempts", int, default=0, check=_not_negative),
    Field("cooldown_minutes", int, default=0, check=_not_negative),
    Field("grading", str, default="highest", check=_grading),
    Field("review", str, default="full", check=_review),
)
# Settings that must be identical in every language (everything but the title).
SHARED_KEYS = tuple(f.name for f in QUIZ_FIELDS if f.name not in ("id", "title"))


@dataclass(slots=True)
class QuizFile:
    """One language's quiz file: its front matter (as a content Variant) and parsed body."""

    variant: Variant
    body: QuizBody
    key_lines: dict[str, int]

    @property
    def path(self) -> str:
        return self.variant.source.path

    def add(self, line: int, message: str, **params: object) -> None:
        self.variant.problems.append(Problem(self.path, line, message, params))


def load_quizzes(quizzes_dir: Path, modules: dict[str, Module]) -> tuple[dict[str, Quiz], list[Problem]]:
    """Every quiz under `quizzes_dir` that has no problem, plus every problem found."""
    sources, problems = read_directory(quizzes_dir)
    quizzes, found = load_quiz_sources(sources, modules)
    return quizzes, problems + found


def load_quiz_sources(sources: list[SourceFile], modules: dict[str, Module]) -> tuple[dict[str, Quiz], list[Problem]]:
    """Every quiz of these decoded files that has no problem, plus every problem found."""
    problems: list[Problem] = []
    files = [_parse_file(parse_variant(source, QUIZ_FIELDS, False)) for source in sources]
    for quiz_file in files:
        _check_settings(quiz_file, modules)
        check_links(quiz_file, quiz_file.variant.fields.get("module"), modules)
    groups, _ = group_by_id([f.variant for f in files], "quiz")
    by_variant = {id(f.variant): f for f in files}
    grouped = {qid: {lang: by_variant[id(v)] for lang, v in langs.items()} for qid, langs in groups.items()}
    for by_lang in grouped.values():
        check_parity(by_lang)
    _check_across_quizzes(grouped)
    quizzes: dict[str, Quiz] = {}
    for quiz_id, by_lang in sorted(grouped.items(), key=lambda item: _is_final(item[1])):
        quiz = _build(by_lang, modules, quizzes)
        if quiz is not None:
            quizzes[quiz_id] = quiz
    for quiz_file in files:
        problems.extend(quiz_file.variant.problems)
    return quizzes, problems


def parse_quiz_file(variant: Variant) -> QuizFile:
    """Parse one file's body and run the per-file checks (used by the loader and the CLI)."""
    return _parse_file(variant)


def _parse_file(variant: Variant) -> QuizFile:
    if not variant.fields:  # the front matter itself is broken; its problem is recorded
        return QuizFile(variant, QuizBody(), {})
    quiz_file = QuizFile(variant, parse_body(variant.intro, variant.body_line), variant.key_lines)
    for line, message, params in quiz_file.body.problems:
        quiz_file.add(line, message, **params)
    _check_questions(quiz_file)
    return quiz_file


def _check_questions(quiz_file: QuizFile) -> None:
    body = quiz_file.body
    case_ids: set[str] = set()
    for case in body.cases:
        if case.id and case.id in case_ids:
            quiz_file.add(case.line, N_("the case id '{id}' is used twice in this file"), id=case.id)
        case_ids.add(case.id)
    seen: set[str] = set()
    for draft in body.questions:
        if draft.id and draft.id in seen:
            quiz_file.add(draft.line, N_("the question id '{id}' is used twice in this file"), id=draft.id)
        seen.add(draft.id)
        if draft.case and draft.case not in case_ids:
            message = N_("the case '{case}' does not exist in this file: start it with '# Title {{#{case}}}' above")
            quiz_file.add(draft.line, message, case=draft.case)
        if draft.kind and draft.kind not in REGISTRY:
            quiz_file.add(
                draft.line,
                N_("unknown question type '{type}': use single, multiple, truefalse or matching"),
                type=draft.kind,
            )
        elif draft.kind:
            for line, message, params in question_type(draft.kind).check(draft):
                quiz_file.add(line, message, **params)


def _check_settings(quiz_file: QuizFile, modules: dict[str, Module]) -> None:
    fields = quiz_file.variant.fields
    if not fields:
        return
    lines = _key_lines(quiz_file)
    module, final = fields.get("module"), fields.get("final")
    if final and module:
        quiz_file.add(lines("module"), N_("the final assessment belongs to no module: remove 'module'"))
    elif not final and not module:
        quiz_file.add(1, N_("the key 'module' is missing (or set 'final: true')"))
    elif module and module not in modules:
        quiz_file.add(
            lines("module"), N_("the module '{module}' does not exist or has problems of its own"), module=module
        )
    if fields.get("draw_per_module") and not final:
        quiz_file.add(
            lines("draw_per_module"), N_("'draw_per_module' is only for the final assessment ('final: true')")
        )
    count = len(quiz_file.body.questions)
    draw = fields.get("draw")
    if draw and draw > count:
        quiz_file.add(
            lines("draw"), N_("'draw' is {draw} but the file has only {count} questions"), draw=draw, count=count
        )
    if not final and count == 0:
        quiz_file.add(
            quiz_file.variant.body_line,
            N_("the quiz has no questions: start each with '## Question {{#question-id type=single}}'"),
        )
    if final and count == 0 and not fields.get("draw_per_module"):
        quiz_file.add(1, N_("the final assessment has no questions and no 'draw_per_module'"))


def _key_lines(quiz_file: QuizFile) -> Callable[[str], int]:
    """Line of a front-matter key, or 1 when the key is absent."""
    return lambda key: quiz_file.key_lines.get(key, 1)


def check_parity(by_lang: dict[str, QuizFile]) -> None:
    """Every language must share ids, settings, correct answers and points (only text differs)."""
    reference = by_lang.get("uk") or next(iter(by_lang.values()))
    for quiz_file in by_lang.values():
        if quiz_file is not reference and quiz_file.variant.fields and reference.variant.fields:
            _compare(reference, quiz_file)


def _compare(ref: QuizFile, other: QuizFile) -> None:
    lines = _key_lines(other)
    for key in SHARED_KEYS:
        if ref.variant.fields.get(key) != other.variant.fields.get(key):
            other.add(lines(key), N_("'{key}' differs from {other}"), key=key, other=ref.path)
    ref_cases = [c.id for c in ref.body.cases]
    if [c.id for c in other.body.cases] != ref_cases:
        other.add(
            other.variant.body_line,
            N_("the case ids differ from {other}: {expected}"),
            other=ref.path,
            expected=", ".join(ref_cases),
        )
    expected = [q.id for q in ref.body.questions]
    actual = [q.id for q in other.body.questions]
    if actual != expected:
        other.add(
            other.variant.body_line,
            N_("the question ids {actual} differ from {expected} in {other}"),
            actual=", ".join(actual),
            expected=", ".join(expected),
            other=ref.path,
        )
        return
    for mine, theirs in zip(other.body.questions, ref.body.questions, strict=True):
        _compare_question(other, mine, theirs, ref.path)


def _compare_question(quiz_file: QuizFile, mine: Any, theirs: Any, other: str) -> None:
    for key, value in (("type", mine.kind), ("points", mine.points), ("case", mine.case)):
        if value != getattr(theirs, {"type": "kind"}.get(key, key)):
            quiz_file.add(
                mine.line, N_("the question '{id}': '{key}' differs from {other}"), id=mine.id, key=key, other=other
            )
    if [o.id for o in mine.options] != [o.id for o in theirs.options]:
        quiz_file.add(mine.line, N_("the question '{id}': the option ids differ from {other}"), id=mine.id, other=other)
        return
    for option, ref_option in zip(mine.options, theirs.options, strict=True):
        if option.mark != ref_option.mark or bool(option.left) != bool(ref_option.left):
            quiz_file.add(
                option.line,
                N_("the option '{id}': which answers are correct differs from {other}"),
                id=option.id,
                other=other,
            )


def _check_across_quizzes(grouped: dict[str, dict[str, QuizFile]]) -> None:
    """Question ids are unique across all quizzes; one quiz per module; one final assessment."""
    owners: dict[str, str] = {}
    module_owner: dict[str, str] = {}
    finals: list[str] = []
    for quiz_id, by_lang in sorted(grouped.items()):
        first = by_lang.get("uk") or next(iter(by_lang.values()))
        fields = first.variant.fields
        if fields.get("final"):
            if finals:
                first.add(1, N_("there is already a final assessment: {other}"), other=finals[0])
            finals.append(first.path)
        module = fields.get("module")
        if module and not fields.get("final"):
            if module in module_owner:
                first.add(
                    1,
                    N_("the module '{module}' already has a quiz: {other}"),
                    module=module,
                    other=module_owner[module],
                )
            module_owner.setdefault(module, first.path)
        for quiz_file in by_lang.values():
            for draft in quiz_file.body.questions:
                key = draft.id
                if key and owners.get(key, quiz_id) != quiz_id:
                    quiz_file.add(
                        draft.line,
                        N_("the question id '{id}' is already used in the quiz '{other}'"),
                        id=key,
                        other=owners[key],
                    )
                owners.setdefault(key, quiz_id)


def _is_final(by_lang: dict[str, QuizFile]) -> bool:
    return any(f.variant.fields.get("final") for f in by_lang.values())


def _build(by_lang: dict[str, QuizFile], modules: dict[str, Module], built: dict[str, Quiz]) -> Quiz | None:
    files = list(by_lang.values())
    if any(f.variant.problems for f in files) or set(by_lang) != set(LANGUAGES):
        return None
    uk = by_lang["uk"]
    if uk.variant.fields.get("final"):
        _check_final(uk, built)
    if any(f.variant.problems for f in files):
        return None
    digest = content_hash([f.variant for f in files])
    if uk.variant.fields.get("final"):
        digest = _final_hash(digest, built)
    return build_quiz(by_lang, digest, modules)


def _check_final(quiz_file: QuizFile, built: dict[str, Quiz]) -> None:
    per_module = quiz_file.variant.fields.get("draw_per_module")
    if not per_module:
        return
    for quiz in built.values():
        if quiz.module_id and len(quiz.questions) < per_module:
            quiz_file.add(
                _key_lines(quiz_file)("draw_per_module"),
                N_("'draw_per_module' is {draw} but the quiz '{quiz}' has only {count} questions"),
                draw=per_module,
                quiz=quiz.id,
                count=len(quiz.questions),
            )


def _final_hash(own: str, built: dict[str, Quiz]) -> str:
    """The final assessment changes whenever any module quiz it draws from changes."""
    digest = hashlib.sha256(own.encode())
    for quiz_id in sorted(built):
        digest.update(f"\0{quiz_id}:{built[quiz_id].content_hash}".encode())
    return digest.hexdigest()
