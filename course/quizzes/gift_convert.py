"""Convert GIFT items into a Frontline quiz file (`flask quizzes import-gift`).

Core module: standard library and this package's core; the way back is course.quizzes.gift_export.
Import never drops a question silently: each one it cannot convert (essay, broken syntax, no
correct answer) is a Problem `FILE:LINE: reason`; conversions that lose something
(partial-credit weights, missing feedback) are warnings.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course.content.loader import FILE_NAME, display_path
from course.content.types import LANGUAGES
from course.frontmatter import check_id
from course.problems import N_, Problem
from course.quizzes.gift import (
    GiftFile,
    GiftItem,
    Text,
    decode_gift,
    read_gift,
)
from course.quizzes.parser import CaseDraft, OptionDraft, QuestionDraft
from course.quizzes.typed import ACCEPTED, OTHER, parse_accepted_number, parse_number
from course.quizzes.types import MATCHING, MULTIPLE, NUMERICAL, SHORT_ANSWER, SINGLE, TRUEFALSE, TYPED_KINDS
from course.quizzes.writer import write_quiz

TF_LABELS = {"uk": ("Правда", "Неправда"), "en": ("True", "False")}
UNCONVERTIBLE = {"essay": N_("essay questions cannot be converted: they need a person to mark them")}
TRANSLIT = str.maketrans(
    {
        "а": "a",
        "б": "b",
        "в": "v",
        "г": "h",
        "ґ": "g",
        "д": "d",
        "е": "e",
        "є": "ie",
        "ж": "zh",
        "з": "z",
        "и": "y",
        "і": "i",
        "ї": "i",
        "й": "i",
        "к": "k",
        "л": "l",
        "м": "m",
        "н": "n",
        "о": "o",
        "п": "p",
        "р": "r",
        "с": "s",
        "т": "t",
        "у": "u",
        "ф": "f",
        "х": "kh",
        "ц": "ts",
        "ч": "ch",
        "ш": "sh",
        "щ": "shch",
        "ь": "",
        "ю": "iu",
        "я": "ia",
        "'": "",
        "’": "",
        "ʼ": "",
        "ы": "y",
        "э": "e",
        "ё": "io",
        "ъ": "",
    }
)
SHARED_SETTINGS = (
    "module",
    "final",
    "draw_per_module",
    "pass_mark",
    "draw",
    "shuffle_questions",
    "shuffle_options",
    "max_attempts",
    "cooldown_minutes",
    "grading",
    "review",
)


@dataclass(slots=True)
class ImportResult:
    text: str | None
    converted: int
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def slug(text: str, limit: int = 40) -> str:
    """An id from free text: transliterated Ukrainian, lower-case Latin, digits, hyphens."""
    ascii_text = unicodedata.normalize("NFKD", text.lower().translate(TRANSLIT))
    ascii_text = ascii_text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")[:limit].strip("-")


def _unique(base: str, used: set[str], fallback: str) -> str:
    candidate = base or fallback
    number = 2
    while candidate in used:
        candidate = f"{(base or fallback)[:36]}-{number}"
        number += 1
    used.add(candidate)
    return candidate


def to_markdown(text: Text) -> str:
    """GIFT text in any format as Markdown; HTML is kept and cleaned by the sanitiser later."""
    if text.format in ("markdown", "html"):
        return text.text
    escaped = text.text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return re.sub(r"([\\`*_\[\]#|])", r"\\\1", escaped)


def gift_to_quiz(
    gift: GiftFile, path: str, quiz_id: str, lang: str, module: str | None = None, title: str | None = None
) -> ImportResult:
    """The quiz file text for every convertible question of `gift`, plus what was not converted."""
    result = ImportResult(None, 0, list(gift.problems))
    converter = _Importer(path, lang, result)
    category = ""
    for item in gift.items:
        if item.kind == "category":
            category = item.category.rsplit("/", 1)[-1]
            converter.case = None
        elif item.kind == "description":
            converter.add_case(item)
        elif item.kind in UNCONVERTIBLE:
            result.problems.append(Problem(path, item.line, UNCONVERTIBLE[item.kind]))
        else:
            converter.add_question(item)
    result.converted = len(converter.questions)
    if not converter.questions:
        return result
    front = _front_matter(gift.quiz_meta, quiz_id, module, title or category or quiz_id)
    used_cases = {q.case for q in converter.questions}
    cases = [c for c in converter.cases if c.id in used_cases]
    result.text = write_quiz(front, "", cases, converter.questions)
    return result


def _front_matter(meta: dict[str, Any], quiz_id: str, module: str | None, title: str) -> dict:
    front: dict[str, Any] = {"id": quiz_id}
    settings = {k: meta[k] for k in SHARED_SETTINGS if k in meta}
    if module:
        settings["module"] = module
    if "module" in settings:
        front["module"] = settings.pop("module")
    front["title"] = str(meta.get("title") or title)
    front.update(settings)
    return front


class _Importer:
    def __init__(self, path: str, lang: str, result: ImportResult) -> None:
        self.path, self.lang, self.result = path, lang, result
        self.questions: list[QuestionDraft] = []
        self.cases: list[CaseDraft] = []
        self.case: str | None = None
        self.used: set[str] = set()

    def problem(self, item: GiftItem, message: str, **params: object) -> None:
        self.result.problems.append(Problem(self.path, item.line, message, params))

    def warn(self, item: GiftItem, message: str, **params: object) -> None:
        self.result.warnings.append(Problem(self.path, item.line, message, params))

    def add_case(self, item: GiftItem) -> None:
        case_id = _valid_id(item.meta.get("case")) or slug(item.name) or slug(item.text.text)
        case_id = _unique(case_id, {c.id for c in self.cases}, f"case-{len(self.cases) + 1}")
        title, body = _split_title(to_markdown(item.text), item.name)
        self.cases.append(CaseDraft(case_id, title, item.line, body))
        self.case = case_id

    def add_question(self, item: GiftItem) -> None:
        meta = item.meta
        base = _valid_id(meta.get("id")) or slug(item.name) or slug(item.text.text)
        title, body = _split_title(to_markdown(item.text), item.name)
        draft = QuestionDraft("", title, item.line, body=body, general_feedback=to_markdown(item.general_feedback))
        draft.case = meta["case"] if "case" in meta else self.case
        points = meta.get("points")
        draft.points = points if isinstance(points, int) and 1 <= points <= 100 else 1
        convert = {
            "multichoice": self._choice,
            "truefalse": self._truefalse,
            "match": self._matching,
            "shortanswer": self._typed,
            "numerical": self._typed,
        }[item.kind]
        if not convert(item, draft):
            return
        _apply_option_ids(draft, meta.get("options"))
        if draft.kind == MATCHING:
            feedback = meta.get("feedback") or {}
            for option in draft.options:
                option.feedback = str(feedback.get(option.id, ""))
        draft.id = _unique(base, self.used, f"question-{len(self.questions) + 1}")
        if _lacks_feedback(draft) and draft.kind in TYPED_KINDS:
            self.warn(item, N_("no feedback for a wrong answer: write it under '- *' before publishing"))
        elif _lacks_feedback(draft):
            message = N_("some options have no feedback: write it before publishing ('content check' lists them)")
            self.warn(item, message)
        self.questions.append(draft)

    def _typed(self, item: GiftItem, draft: QuestionDraft) -> bool:
        """Short answer and numerical: full-credit answers are accepted, Moodle's `*` (0 %) is the
        feedback for any other answer; an answer with partial credit is dropped, with a warning."""
        draft.kind = SHORT_ANSWER if item.kind == "shortanswer" else NUMERICAL
        other = ""
        for answer in item.answers:
            text = answer.text.text
            if text == "*" and answer.weight < 0.999:
                other = to_markdown(answer.feedback)
            elif answer.weight < 0.999:
                message = N_(
                    "the answer '{answer}' ({percent}%) is dropped: here an answer earns all the points or none"
                )
                self.warn(item, message, answer=text, percent=round(answer.weight * 100))
            elif (accepted := _accepted_text(draft.kind, text)) is None:
                self.problem(item, N_("'{answer}' is not a number this quiz can read"), answer=text)
                return False
            else:
                if draft.kind == SHORT_ANSWER and "*" in text:
                    message = N_("the answer '{answer}' uses Moodle's wildcard '*', which is taken literally here")
                    self.warn(item, message, answer=text)
                draft.options.append(OptionDraft("", accepted, to_markdown(answer.feedback), item.line, ACCEPTED))
        if not draft.options:
            self.problem(item, N_("no answer is marked correct"))
            return False
        draft.options.append(OptionDraft("", "", other, item.line, OTHER))
        return True

    def _choice(self, item: GiftItem, draft: QuestionDraft) -> bool:
        if len(item.answers) < 2:
            self.problem(item, N_("a multiple-choice question needs at least two answers"))
            return False
        if item.single:
            correct = [a.weight >= 0.999 for a in item.answers]
            if any(0 < a.weight < 0.999 for a in item.answers):
                self.warn(
                    item, N_("partial credit (%n%) dropped: a single-choice question here has one correct answer")
                )
        else:
            correct = [a.weight > 0 for a in item.answers]
            positive = {round(a.weight, 3) for a in item.answers if a.weight > 0}
            if len(positive) > 1:
                message = N_(
                    "unequal answer weights replaced by the documented partial-credit "
                    "rule (each correct answer is worth the same)"
                )
                self.warn(item, message)
        if not any(correct):
            self.problem(item, N_("no answer is marked correct"))
            return False
        if item.single and sum(correct) > 1:
            item.single = False
        draft.kind = SINGLE if item.single else MULTIPLE
        used: set[str] = set()
        for answer, is_correct in zip(item.answers, correct, strict=True):
            text = to_markdown(answer.text)
            option_id = _unique(slug(answer.text.text, 30), used, f"option-{len(used) + 1}")
            draft.options.append(
                OptionDraft(option_id, text, to_markdown(answer.feedback), item.line, "x" if is_correct else " ")
            )
        return True

    def _truefalse(self, item: GiftItem, draft: QuestionDraft) -> bool:
        draft.kind = TRUEFALSE
        labels = item.meta.get("labels") or {}
        defaults = TF_LABELS.get(self.lang, TF_LABELS["en"])
        for answer, default in zip(item.answers, defaults, strict=True):
            option_id = answer.text.text
            mark = "x" if (option_id == "true") == item.truth else " "
            label = str(labels.get(option_id) or default)
            draft.options.append(OptionDraft(option_id, label, to_markdown(answer.feedback), item.line, mark))
        return True

    def _matching(self, item: GiftItem, draft: QuestionDraft) -> bool:
        prompts = [a for a in item.answers if a.left is not None]
        if len(prompts) < 2:
            self.problem(item, N_("a matching question needs at least two pairs"))
            return False
        draft.kind = MATCHING
        used: set[str] = set()
        for answer in item.answers:
            source = answer.left.text if answer.left else answer.text.text
            option_id = _unique(slug(source, 30), used, f"item-{len(used) + 1}")
            left = to_markdown(answer.left) if answer.left else ""
            draft.options.append(OptionDraft(option_id, to_markdown(answer.text), "", item.line, None, left))
        return True


def _lacks_feedback(draft: QuestionDraft) -> bool:
    if draft.kind in TYPED_KINDS:  # the feedback for a wrong answer is the one asked for
        return not any(o.feedback for o in draft.options if o.mark == OTHER)
    if draft.kind == MATCHING and draft.general_feedback:
        return False
    return any(not o.feedback for o in draft.options if o.mark is not None or o.left)


def _accepted_text(kind: str, text: str) -> str | None:
    """An accepted answer as this format writes it; None for a number it cannot read."""
    return _frontline_number(text) if kind == NUMERICAL else " ".join(text.split())


def _frontline_number(text: str) -> str | None:
    """Moodle's `value:tolerance`, `low..high` or `value` in this format's words (`3.5 ± 0.5`)."""
    value, colon, tolerance = text.partition(":")
    if ".." in text:
        low, _, high = text.partition("..")
        result = f"{low.strip()}..{high.strip()}"
    elif colon and parse_number(tolerance) != 0:
        result = f"{value.strip()} ± {tolerance.strip()}"
    else:
        result = value.strip()
    return result if parse_accepted_number(result) is not None else None


def _apply_option_ids(draft: QuestionDraft, ids: Any) -> None:
    """Ids from a Frontline export comment, when they fit this question."""
    if not isinstance(ids, list) or len(ids) != len(draft.options):
        return
    if len(set(ids)) != len(ids) or not all(_valid_id(i) for i in ids):
        return
    if draft.kind == TRUEFALSE:
        return
    for option, new in zip(draft.options, ids, strict=True):
        option.id = new


def _valid_id(value: Any) -> str:
    return value if isinstance(value, str) and re.fullmatch(r"[a-z0-9][a-z0-9-]{0,63}", value) else ""


def _split_title(markdown: str, name: str) -> tuple[str, str]:
    """The first paragraph is the question (the heading); the rest is its longer text."""
    text = markdown.strip()
    if not text:
        return " ".join(name.split()), ""
    head, _, rest = text.partition("\n\n")
    return " ".join(head.split()), rest.strip()


def import_gift_file(source: Path, out: Path, module: str | None = None, title: str | None = None) -> ImportResult:
    """Read a GIFT file and convert it for the quiz file `out` (named QUIZ-ID.LANG.md)."""
    shown = display_path(source)
    match = FILE_NAME.match(out.name)
    if not match or match["lang"] not in LANGUAGES or check_id(match["stem"]):
        message = N_("the output file must be named QUIZ-ID.uk.md or QUIZ-ID.en.md")
        return ImportResult(None, 0, [Problem(str(out), 1, message)])
    return import_gift_bytes(source.read_bytes(), shown, match["stem"], match["lang"], module, title)


def import_gift_bytes(
    raw: bytes, shown: str, quiz_id: str, lang: str, module: str | None = None, title: str | None = None
) -> ImportResult:
    """Decode, read and convert GIFT bytes; problems name `shown`. The CLI and the browser's
    import both come through here, so they convert alike."""
    text, problems = decode_gift(raw, shown)
    if text is None:
        return ImportResult(None, 0, problems)
    return gift_to_quiz(read_gift(text, shown), shown, quiz_id, lang, module, title)
