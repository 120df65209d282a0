"""Find the phone numbers, article numbers, law numbers and source keys in course text.

Used by test_course_content.py to check the course (content/, quizzes/) against the content
brief (docs/content-brief.md): nothing may be taught that the brief does not contain. Each
extractor returns `Fact(kind, value, line)`; `value` is normalised so that the brief's
`0-800-505-501` and the text's `0 800 505 501` compare equal, and `Art. 3(c)–(d)` yields
both `3(c)` and `3(d)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SPACE = "[ \u00a0]"
# A phone number written in groups: `0 800 505 501`, `+38 044 284 19 15`, `0-800-505-501`,
# and the European `116 xxx` numbers. Starting with 0, 8 or + keeps figures such as
# `1 143` (Ukrainian thousands) out.
GROUPED_PHONE = re.compile(
    rf"(?<![\w+])(?:(?:\+\d{{1,3}}|0|8)(?:(?:{SPACE}|-)\d{{2,4}}){{2,}}|116{SPACE}?\d{{3}})(?![\w])"
)
# A short number (102, 112, 527, 772, 1547...): three or four digits standing alone, not a
# group of a larger figure (`1 143`, `20 000`), a decimal, a ratio or a percentage.
SHORT_NUMBER = re.compile(r"(?<![\w.,/+\-−])(?<!\d[ \u00a0])(\d{3,4})(?![\w%]|[.,]\d|/\d|[ \u00a0]\d{3}\b)")
# Words that make a nearby short number a phone number (uk and en stems, lower case).
PHONE_WORDS = (
    "phone",
    "call",
    "hotline",
    "line",
    "number",
    "mobile",
    "dial",
    "police",
    "emergency",
    "телефон",
    "дзвон",
    "лінія",
    "лінії",
    "лінію",
    "лінією",
    "номер",
    "мобільн",
    "поліці",
    "екстрен",
    "набер",
    "гаряч",
)
PHONE_CONTEXT = 60  # characters either side of a short number searched for PHONE_WORDS

# `Art. 3(a)`, `Arts. 150, 302, 303`, `Article 12 of ...`, `ст. 149`, `статті 3`, `статтею 13`,
# `статей 150, 302 і 303`; then further numbers joined by commas, "and", "і", "та" or a dash.
ARTICLE_WORD = r"(?:\bArt(?:icle)?s?\.?|\bст\.|\bстатт[яіею]\w*|\bстатей)"
ARTICLE_REF = r"\d+[a-z]?(?:\([a-z0-9]{1,3}\))*(?:\s*[–-]\s*\([a-z0-9]{1,3}\))?"
ARTICLES = re.compile(
    rf"{ARTICLE_WORD}\s+(?P<refs>{ARTICLE_REF}(?:\s*(?:,|and|і|й|та|or|або|–|-)\s*{ARTICLE_REF})*)",
    re.IGNORECASE,
)
ONE_REF = re.compile(r"(?P<number>\d+[a-z]?)(?P<parts>(?:\([a-z0-9]{1,3}\))*)(?:\s*[–-]\s*\((?P<to>[a-z0-9]{1,3})\))?")
# `No. 3739-VI`, `№ 417`, `Resolution 417`, `CETS No. 197`, `Convention No. 29`, `Law 3739-VI`.
LAW_NUMBER = re.compile(
    r"(?:\bNo\.|№|\bпостанов\w*|\bКМУ|\bResolution|\bDecree|\bЗакон\w*|\bLaw)\s*(?:No\.\s*|№\s*)?"
    r"(?P<number>\d+(?:[-/][\dA-ZІVХ]+)?)",
    re.IGNORECASE,
)
SOURCE_KEY = re.compile(r"\[(?P<key>[SD]\d+)\]")
YEARS = range(1900, 2100)

# Numbers written out in words ("тисяча сто сорок три", "до тисячі восьмисот", "one hundred and
# twenty") would slip past every check above, and read oddly next to the digits used elsewhere.
# Small numbers in prose ("two children", "три елементи") and a word after a figure ("6,9 млн",
# "49.6 million", "20 thousand") are fine; what is caught is two number words in a row, or a
# hundreds or thousands word standing where a figure belongs.
_UK_NUMBER = (
    r"нуль|один|одна|одно|одного|одній|два|дві|двох|двом|три|трьох|чотири|чотирьох|п'ят\w*|шіст\w*|шест\w*"
    r"|сім|семи|вісім|восьми|дев'ят\w*|десят\w*|\w+надцят\w*|двадцят\w*|тридцят\w*|сорок\w*"
    r"|\w+десят\w*|дев'яност\w*|сто|ста|двісті|\w+ста|\w+сот|тисяч\w*|мільйон\w*"
)
_EN_NUMBER = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|twenty|thirty|forty"
    r"|fifty|sixty|seventy|eighty|ninety|hundreds?|thousands?|millions?"
)
_NUMBER_WORD = rf"(?:{_UK_NUMBER}|{_EN_NUMBER})"
_JOINER = r"(?:[ \u00a0\n-]|\s+(?:і|й|та|and)\s+)"
SPELLED_RUN = re.compile(
    rf"(?<![\w'])(?<!\d[ \u00a0])(?<!\d\n){_NUMBER_WORD}(?:{_JOINER}{_NUMBER_WORD})+(?![\w'])",
    re.IGNORECASE,
)
SPELLED_LARGE = re.compile(
    r"(?<![\w'])(?<!\d[ \u00a0])(?<!\d\n)(?:сто|двісті|триста|чотириста|п'ятсот|шістсот|сімсот|вісімсот|дев'ятсот"
    r"|тисяча|hundred|thousand)(?![\w'])",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Fact:
    kind: str  # "phone", "article", "law" or "source"
    value: str
    line: int


def _line(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def digits(number: str) -> str:
    return re.sub(r"\D", "", number)


def phone_numbers(text: str) -> list[Fact]:
    """Grouped phone numbers anywhere, and short numbers near a phone word, as digit strings."""
    found = [Fact("phone", digits(m.group(0)), _line(text, m.start())) for m in GROUPED_PHONE.finditer(text)]
    masked = text
    for pattern in (GROUPED_PHONE, ARTICLES, LAW_NUMBER):  # "ст. 149", "No. 417" are not phones
        masked = pattern.sub(lambda m: " " * len(m.group(0)), masked)
    lowered = masked.lower()
    for match in SHORT_NUMBER.finditer(masked):
        if int(match.group(1)) in YEARS:
            continue
        window = lowered[max(0, match.start() - PHONE_CONTEXT) : match.end() + PHONE_CONTEXT]
        bold = masked[max(0, match.start() - 2) : match.start()] == "**"
        if bold or any(word in window for word in PHONE_WORDS):
            found.append(Fact("phone", match.group(1), _line(text, match.start())))
    return found


def article_numbers(text: str) -> list[Fact]:
    """Every article cited, as `149`, `3(a)`, `12(6)`; a range `3(c)–(d)` gives 3(c) and 3(d)."""
    found = []
    for match in ARTICLES.finditer(text):
        line = _line(text, match.start())
        for ref in ONE_REF.finditer(match.group("refs")):
            number, parts = ref.group("number"), ref.group("parts")
            first = re.match(r"\([a-z0-9]{1,3}\)", parts)
            found.append(Fact("article", number + (first.group(0) if first else ""), line))
            if ref.group("to"):
                found.append(Fact("article", f"{number}({ref.group('to')})", line))
    return found


def law_numbers(text: str) -> list[Fact]:
    """Numbers of laws, resolutions and conventions: `3739-VI`, `417`, `197`."""
    return [
        Fact("law", m.group("number"), _line(text, m.start()))
        for m in LAW_NUMBER.finditer(text)
        if not (m.group("number").isdigit() and int(m.group("number")) in YEARS)
    ]


def spelled_numbers(text: str) -> list[Fact]:
    """Figures written out in words, which the course must write in digits (ids such as
    `{#twenty-three}` and link targets are names, not figures)."""
    text = re.sub(r"\{#[^}]*\}|\]\([^)]*\)", lambda m: " " * len(m.group(0)), text)
    found = {m.start(): m for m in SPELLED_RUN.finditer(text)}
    for match in SPELLED_LARGE.finditer(text):
        if not any(start <= match.start() < other.end() for start, other in found.items()):
            found[match.start()] = match
    return [Fact("words", m.group(0), _line(text, start)) for start, m in sorted(found.items())]


def source_keys(text: str) -> list[Fact]:
    return [Fact("source", m.group("key"), _line(text, m.start())) for m in SOURCE_KEY.finditer(text)]


@dataclass(frozen=True, slots=True)
class Brief:
    """What the content brief allows: its phone numbers, articles, law numbers and sources."""

    phones: frozenset[str]
    articles: frozenset[str]
    laws: frozenset[str]
    sources: frozenset[str]
    tokens: frozenset[str]

    @classmethod
    def read(cls, text: str) -> Brief:
        # The brief names sub-articles on their own too ("4(b) consent irrelevant", "12(6)").
        loose = {f"{m.group(1)}({m.group(2)})" for m in re.finditer(r"\b(\d+)\(([a-z0-9])\)", text)}
        ranges = {f"{m.group(1)}({m.group(2)})" for m in re.finditer(r"\b(\d+)\([a-z]\)[–-]\(([a-z])\)", text)}
        articles = {f.value for f in article_numbers(text)} | loose | ranges
        articles |= {re.sub(r"\(.*", "", a) for a in articles}
        listed = set(re.findall(r"^\[([SD]\d+)\]", text, re.M))
        background = set(re.findall(r"\[(D\d+)\]\s", text.split("## 1.", 1)[0]))
        return cls(
            phones=frozenset(f.value for f in phone_numbers(text) if not _unverified(text, f)),
            articles=frozenset(articles),
            laws=frozenset(f.value for f in law_numbers(text)),
            sources=frozenset(listed | background),
            tokens=frozenset(re.findall(r"\d+", text)),
        )

    def allows(self, fact: Fact) -> bool:
        """Whether the brief contains this fact (a short phone number: as a number anywhere)."""
        if fact.kind == "phone":
            return fact.value in self.phones or (len(fact.value) <= 4 and fact.value in self.tokens)
        if fact.kind == "article":
            return fact.value in self.articles
        if fact.kind == "law":
            return fact.value in self.laws
        return fact.value in self.sources


def _unverified(text: str, fact: Fact) -> bool:
    """A number the brief itself marks UNVERIFIED or "check" in the same clause is not allowed."""
    line = text.split("\n")[fact.line - 1]
    for match in GROUPED_PHONE.finditer(line):
        if digits(match.group(0)) == fact.value:
            clause = re.split(r"[;\[]|\.\s", line[match.end() :], maxsplit=1)[0]
            return "UNVERIFIED" in clause or "check" in clause
    return False


def facts(text: str) -> list[Fact]:
    """Everything a course file states that the brief must contain."""
    return phone_numbers(text) + article_numbers(text) + law_numbers(text) + source_keys(text)
