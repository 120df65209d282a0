"""Starting texts for a new module or quiz, in both languages (core: standard library only).

A skeleton passes `content check` as it is: every field is filled with a placeholder an admin
replaces, so a new module never starts as a list of problems; the placeholders say what to
write in the course's own words (docs/authoring.md explains each field).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from course.authoring.files import FOLDERS, path_for

ID = re.compile(r"[a-z0-9][a-z0-9-]{1,60}")


@dataclass(frozen=True, slots=True)
class NewEntry:
    kind: str  # "module" or "quiz"
    stem: str
    files: dict[str, bytes]  # path -> text


_MODULE = {
    "uk": (
        "Коротко: про що цей модуль і для кого.",
        "Вступ до модуля: навіщо він і що вміє учасник після нього.",
        "Перший урок",
        "Текст уроку.",
        "Джерела",
        "Джерело (назва, стаття, рік).",
    ),
    "en": (
        "In short: what this module is about and who it is for.",
        "Introduction: why this module matters and what a learner can do after it.",
        "First lesson",
        "The lesson's text.",
        "Sources",
        "A source (title, article, year).",
    ),
}

_QUIZ = {
    "uk": (
        "Відповідайте на кожне запитання.",
        "Перше запитання?",
        "Правильна відповідь",
        "Неправильна відповідь",
        "Пояснення: чому так, з джерелом [S1].",
    ),
    "en": (
        "Answer every question.",
        "The first question?",
        "The right answer",
        "A wrong answer",
        "Why: the explanation, with its source [S1].",
    ),
}


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def module_skeleton(module_id: str, order: int, titles: dict[str, str]) -> NewEntry:
    """The uk and en files of a new module `NN-<id>` with one lesson."""
    stem = f"{order:02d}-{module_id}"
    files = {}
    for lang, (summary, intro, lesson, text, sources, source) in _MODULE.items():
        body = (
            f"---\nid: {module_id}\norder: {order}\ntitle: {_quote(titles[lang])}\nsummary: {_quote(summary)}\n"
            f"minutes: 10\n---\n\n{intro}\n\n## {lesson} {{#lesson-1}}\n\n{text}\n\n### {sources}\n\n- [S1] {source}\n"
        )
        files[path_for("module", stem, lang)] = body.encode("utf-8")
    return NewEntry("module", stem, files)


def quiz_skeleton(quiz_id: str, module_id: str, titles: dict[str, str]) -> NewEntry:
    """The uk and en files of a new quiz on `module_id`, with one single-choice question."""
    files = {}
    for lang, (intro, question, right, wrong, why) in _QUIZ.items():
        body = (
            f"---\nid: {quiz_id}\nmodule: {module_id}\ntitle: {_quote(titles[lang])}\npass_mark: 80\n---\n\n"
            f"{intro}\n\n## {question} {{#q-1 type=single}}\n\n"
            f"- [x] {right} {{#right}}\n  {why}\n- [ ] {wrong} {{#wrong}}\n  {why}\n"
        )
        files[path_for("quiz", quiz_id, lang)] = body.encode("utf-8")
    return NewEntry("quiz", quiz_id, files)


def next_order(paths: list[str]) -> int:
    """One past the highest module number in the draft (`07-...` -> 8)."""
    numbers = [int(m[1]) for p in paths if (m := re.match(rf"{FOLDERS['module']}/(\d+)-", p))]
    return max(numbers, default=0) + 1
