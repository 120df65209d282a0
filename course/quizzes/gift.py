"""Moodle GIFT syntax: read a GIFT file into neutral items, and write items as GIFT.

Core module: standard library only. The reader follows Moodle's own parser
(question/format/gift/format.php): questions are separated by blank lines, `//` lines are
comments, `::name::`, `{...}` answers, `####` general feedback, `#` feedback, `%n%` weights,
`[markdown]`/`[html]`/`[plain]`/`[moodle]` text formats, escapes `\\ \\~ \\= \\# \\{ \\} \\: \\n`.
Comment lines `// frontline: {json}` carry what GIFT cannot (ids, points, cases) so a
Frontline -> GIFT -> Frontline round trip loses nothing; Moodle ignores them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from course.problems import N_, Problem

META_PREFIX = "// frontline:"
QUIZ_META_PREFIX = "// frontline-quiz:"
ESCAPES = {
    "\\\\": "\ue000",
    "\\:": "\ue001",
    "\\#": "\ue002",
    "\\=": "\ue003",
    "\\{": "\ue004",
    "\\}": "\ue005",
    "\\~": "\ue006",
    "\\n": "\ue007",
}
UNESCAPES = dict(zip(ESCAPES.values(), ["\\", ":", "#", "=", "{", "}", "~", "\n"], strict=True))
FORMATS = ("moodle", "html", "plain", "markdown")
TF_VALUES = {"T": True, "TRUE": True, "F": False, "FALSE": False}
MAX_GIFT_BYTES = 5_000_000


@dataclass(slots=True)
class Text:
    """A piece of text with its GIFT format ("moodle" when none was given)."""

    text: str
    format: str = "moodle"


@dataclass(slots=True)
class GiftAnswer:
    text: Text
    feedback: Text
    weight: float = 0.0
    left: Text | None = None  # matching: the sub-question; None for a distractor


@dataclass(slots=True)
class GiftItem:
    """One block of a GIFT file: a question, a description, or a category switch."""

    line: int
    kind: str  # multichoice, truefalse, match, description, category, essay, numerical, shortanswer
    name: str = ""
    text: Text = field(default_factory=lambda: Text(""))
    answers: list[GiftAnswer] = field(default_factory=list)
    general_feedback: Text = field(default_factory=lambda: Text(""))
    single: bool = True
    truth: bool = True
    category: str = ""
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class GiftFile:
    items: list[GiftItem] = field(default_factory=list)
    quiz_meta: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def decode_gift(raw: bytes, path: str) -> tuple[str | None, list[Problem]]:
    """UTF-8 with or without BOM; LF, CRLF or CR line endings."""
    if len(raw) > MAX_GIFT_BYTES:
        return None, [Problem(path, 1, N_("the file is larger than 5 MB"))]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        return None, [Problem(path, line, N_("the file is not saved as UTF-8 (invalid byte)"))]
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        return None, [Problem(path, line, N_("the file contains a NUL character"))]
    return text.replace("\r\n", "\n").replace("\r", "\n"), []


def read_gift(text: str, path: str) -> GiftFile:
    """Parse GIFT text into items; every block that cannot be read becomes a problem."""
    result = GiftFile()
    for block in _blocks(text):
        item = _read_block(block, path, result)
        if item is not None:
            result.items.append(item)
    return result


def _blocks(text: str) -> list[list[tuple[int, str]]]:
    blocks: list[list[tuple[int, str]]] = [[]]
    for number, line in enumerate(text.split("\n"), start=1):
        if line.strip():
            blocks[-1].append((number, line))
        elif blocks[-1]:
            blocks.append([])
    return [b for b in blocks if b]


def _read_block(block: list[tuple[int, str]], path: str, result: GiftFile) -> GiftItem | None:
    meta: dict[str, Any] = {}
    lines: list[tuple[int, str]] = []
    for number, line in block:
        stripped = line.strip()
        if stripped.startswith(QUIZ_META_PREFIX):
            result.quiz_meta = _json(stripped[len(QUIZ_META_PREFIX) :])
        elif stripped.startswith(META_PREFIX):
            meta = _json(stripped[len(META_PREFIX) :])
        elif not stripped.startswith("//"):
            lines.append((number, stripped))
    if not lines:
        return None
    first = lines[0][0]
    text = _escape("\n".join(line for _, line in lines)).strip()
    try:
        item = _read_question(text, first)
    except GiftSyntaxError as exc:
        result.problems.append(Problem(path, first, exc.message, exc.params))
        return None
    item.meta = meta
    return item


class GiftSyntaxError(ValueError):
    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message)
        self.message = message
        self.params = params


def _json(text: str) -> dict[str, Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _escape(text: str) -> str:
    for escaped, placeholder in ESCAPES.items():
        text = text.replace(escaped, placeholder)
    return text


def unescape(text: str) -> str:
    for placeholder, char in UNESCAPES.items():
        text = text.replace(placeholder, char)
    return text


def _read_question(text: str, line: int) -> GiftItem:
    if text.startswith("$CATEGORY:"):
        return GiftItem(line, "category", category=unescape(text[len("$CATEGORY:") :].strip()))
    name = ""
    if text.startswith("::") and "::" in text[2:]:
        end = text.index("::", 2)
        name, text = unescape(text[2:end]).strip(), text[end + 2 :].strip()
    start, finish = text.find("{"), text.find("}")
    if start < 0 and finish < 0:
        return GiftItem(line, "description", name, _format(text))
    if start < 0 or finish < 0 or finish < start:
        raise GiftSyntaxError(N_("the braces {{ }} around the answers do not match"))
    if "{" in text[finish:] or "}" in text[finish + 1 :]:
        raise GiftSyntaxError(N_("the question has more than one answer block {{ }}"))
    answers = text[start + 1 : finish].strip()
    after = text[finish + 1 :].strip()
    stem = text[:start].strip() + (" _____ " + after if after else "")
    general = ""
    if "####" in answers:
        answers, general = (
            answers[: answers.rindex("####")].strip(),
            answers[answers.rindex("####") + 4 :],
        )
    item = GiftItem(line, "", name, _format(stem))
    item.general_feedback = _format(general, item.text.format)
    _read_answers(item, answers)
    return item


def _read_answers(item: GiftItem, answers: str) -> None:
    fmt = item.text.format
    if not answers:
        item.kind = "essay"
    elif answers.startswith("#"):
        item.kind = "numerical"
        item.answers = _numerical(answers[1:], fmt)
    elif "~" in answers:
        item.kind, item.single = "multichoice", "=" in answers
        parts = [p.strip() for p in answers.replace("=", "~=").split("~") if p.strip()]
        item.answers = [_choice(part, fmt) for part in parts]
    elif "=" in answers and "->" in answers:
        item.kind = "match"
        for part in (p.strip() for p in answers.split("=") if p.strip()):
            if "->" not in part:
                raise GiftSyntaxError(N_("a matching answer needs '->' between its two sides"))
            left, _, right = part.partition("->")
            left_text = _format(left, fmt)
            item.answers.append(
                GiftAnswer(Text(unescape(right).strip(), "plain"), Text(""), 1.0, left_text if left_text.text else None)
            )
    elif answers.partition("#")[0].strip() in TF_VALUES:
        item.kind = "truefalse"
        value, wrong, right = (answers.split("#", 2) + ["", ""])[:3]
        item.truth = TF_VALUES[value.strip()]
        item.answers = [
            GiftAnswer(Text("true"), _format(right if item.truth else wrong, fmt)),
            GiftAnswer(Text("false"), _format(wrong if item.truth else right, fmt)),
        ]
    else:
        item.kind = "shortanswer"
        item.answers = [_weighted(part, fmt, 1.0) for part in answers.split("=") if part.strip()]


def _numerical(answers: str, fmt: str) -> list[GiftAnswer]:
    """`=value:tolerance`, `=low..high` or `=value`, each with an optional `%n%` weight and `#`
    feedback; a `~#feedback` at the end is for any other answer, stored as the answer `*`."""
    answers, tilde, wrong = answers.partition("~")
    result = [_weighted(part, fmt, 1.0) for part in answers.split("=") if part.strip()]
    if tilde:
        result.append(GiftAnswer(Text("*", "plain"), _format(wrong.partition("#")[2], fmt), 0.0))
    return result


def _weighted(part: str, fmt: str, default: float) -> GiftAnswer:
    """One typed answer: `%n%` weight (else `default`), plain text, `#` feedback (Moodle's commentparser)."""
    weight, part = _percent_weight(part.strip(), default)
    answer, _, feedback = part.partition("#")
    return GiftAnswer(Text(unescape(answer).strip(), "plain"), _format(feedback, fmt), weight)


def _percent_weight(part: str, default: float) -> tuple[float, str]:
    """A leading `%n%` weight as a fraction and the rest of the answer, else `default`."""
    if not (part.startswith("%") and part.count("%") >= 2):
        return default, part
    number, _, rest = part[1:].partition("%")
    try:
        return float(number) / 100, rest.strip()
    except ValueError:
        raise GiftSyntaxError(N_("the answer weight '%{weight}%' is not a number"), weight=unescape(number)) from None


def _choice(part: str, fmt: str) -> GiftAnswer:
    if part.startswith("="):
        weight, part = 1.0, part[1:].strip()
    else:
        weight, part = _percent_weight(part, 0.0)
    answer, _, feedback = part.partition("#")
    return GiftAnswer(_format(answer, fmt), _format(feedback, fmt), weight)


def _format(text: str, default: str = "moodle") -> Text:
    text = text.strip()
    if text.startswith("[") and "]" in text:
        name = text[1 : text.index("]")]
        if name in FORMATS:
            return Text(unescape(text[text.index("]") + 1 :]).strip(), name)
    return Text(unescape(text).strip(), default)


def escape(text: str) -> str:
    """Text as GIFT: control characters escaped, line breaks as \\n (Moodle's `repchar`)."""
    for char, replacement in (
        ("\\", "\\\\"),
        ("#", "\\#"),
        ("=", "\\="),
        ("~", "\\~"),
        ("{", "\\{"),
        ("}", "\\}"),
        (":", "\\:"),
        ("\n", "\\n"),
    ):
        text = text.replace(char, replacement)
    return text


def meta_comment(prefix: str, data: dict[str, Any]) -> str:
    return f"{prefix} {json.dumps(data, ensure_ascii=False, separators=(',', ':'))}"
