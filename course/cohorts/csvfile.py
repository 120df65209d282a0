"""The enrolment CSV: decode, sniff, parse and validate a WHOLE file, every problem by line and column.

Core: stdlib and other domains' core only (no Flask, no database). Messages are English templates
marked with `N_` and filled with `str.format` at display time, in the reader's language.

Accepted: UTF-8 with or without a BOM, LF or CRLF, `;` or `,` between cells (Excel in a Ukrainian
locale writes `;`), headers in English or Ukrainian, organisation types and regions by code or by
label in either language. Refused with a clear message: invalid UTF-8, a file over the size limit,
a cell starting with a spreadsheet formula sign, names over 100 characters, invisible characters.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass, field

from course.accounts.validation import clean_email, clean_text, email_problem, name_problem
from course.problems import N_

LANGUAGES = ("uk", "en")
# OUT-4: a cell starting with one of these is a formula to Excel and LibreOffice; such a name
# would run when a trainer opens the learners CSV. Refused at the door, not only defused on export.
FORMULA_SIGNS = ("=", "+", "-", "@")
APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "`": "'"})


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # English, marked for translation
    uk_header: str  # the Ukrainian header the template uses; accepted as well as the key
    required: bool
    help: str


COLUMNS: tuple[Column, ...] = (
    Column("email", N_("E-mail"), "ел_пошта", True, N_("The learner's e-mail address; it is their login.")),
    Column("full_name", N_("Full name"), "ім'я", True, N_("As it should appear on the certificate.")),
    Column("org_type", N_("Organisation type"), "тип_організації", True, N_("A code or a name from the list below.")),
    Column("region", N_("Region"), "регіон", True, N_("A code or a name from the list below.")),
    Column("position", N_("Position (optional)"), "посада", False, N_("May be left empty.")),
    Column(
        "language", N_("Language (optional)"), "мова", False, N_("uk or en: the language of the e-mails; uk if empty.")
    ),
)
BY_HEADER = {name: column.key for column in COLUMNS for name in (column.key, column.uk_header)}
REQUIRED = tuple(column.key for column in COLUMNS if column.required)


@dataclass(frozen=True, slots=True)
class Row:
    line: int
    email: str
    full_name: str
    org_type: str
    region: str
    position: str | None
    locale: str


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One defect: `line` 1 is the header; `column` is a key of COLUMNS, or "" for the whole line."""

    line: int
    column: str
    message: str
    params: Mapping[str, object] = field(default_factory=dict)
    value: str = ""

    def render(self, translate=lambda s: s) -> str:
        return translate(self.message).format(**self.params)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    rows: list[Row]
    problems: list[RowProblem]

    @property
    def is_clean(self) -> bool:
        return not self.problems and bool(self.rows)


def normalise_label(text: str) -> str:
    """How headers and list values are compared: NFC, trimmed, case-folded, one apostrophe."""
    return clean_text(text).translate(APOSTROPHES).casefold()


def decode(data: bytes, max_bytes: int) -> tuple[str | None, RowProblem | None]:
    """The text of the file, or why it cannot be read (size, encoding, emptiness)."""
    if len(data) > max_bytes:
        megabytes = f"{max_bytes / 1024 / 1024:.1f}".rstrip("0").rstrip(".")
        return None, RowProblem(
            0, "", N_("The file is larger than {limit} MB. Split it into smaller files."), {"limit": megabytes}
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        message = N_('The file is not in UTF-8 (line {line}). In Excel choose "Save as", then "CSV UTF-8".')
        return None, RowProblem(line, "", message, {"line": line})
    if not text.strip():
        return None, RowProblem(0, "", N_("The file is empty."))
    return text, None


def sniff_delimiter(text: str) -> str:
    """`;` or `,`, whichever the header line uses more."""
    header = text.split("\n", 1)[0]
    return ";" if header.count(";") > header.count(",") else ","


def parse(data: bytes, choices: Mapping[str, Mapping[str, str]], max_bytes: int) -> ParsedFile:
    """Every row of the file, and every problem in it; nothing is skipped but empty lines.

    `choices` maps "org_type" and "region" to {normalised label or code: code}."""
    text, problem = decode(data, max_bytes)
    if problem:
        return ParsedFile([], [problem])
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    try:
        header = next(reader)
    except csv.Error as error:
        return ParsedFile(
            [], [RowProblem(1, "", N_("Line {line} cannot be read: {error}."), {"line": 1, "error": str(error)})]
        )
    keys, problems = _header(header)
    if problems:
        return ParsedFile([], problems)
    return _rows(reader, keys, choices)


def _header(header: list[str]) -> tuple[list[str], list[RowProblem]]:
    keys = [BY_HEADER.get(normalise_label(name), "") for name in header]
    problems = []
    unknown = [name for name, key in zip(header, keys, strict=True) if not key and name.strip()]
    if unknown:
        problems.append(RowProblem(1, "", N_("Unknown columns: {names}."), {"names": ", ".join(unknown)}))
    missing = [key for key in REQUIRED if key not in keys]
    if missing:
        problems.append(RowProblem(1, "", N_("Missing columns: {names}."), {"names": ", ".join(missing)}))
    repeated = sorted({key for key in keys if key and keys.count(key) > 1})
    if repeated:
        problems.append(RowProblem(1, "", N_("Columns given twice: {names}."), {"names": ", ".join(repeated)}))
    return keys, problems


def _rows(reader, keys: list[str], choices: Mapping[str, Mapping[str, str]]) -> ParsedFile:
    rows: list[Row] = []
    problems: list[RowProblem] = []
    first_line: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            problems.append(
                RowProblem(line, "", N_("Line {line} cannot be read: {error}."), {"line": line, "error": str(error)})
            )
            break
        if any(cell.strip() for cell in cells):
            row = _row(line, cells, keys, choices, first_line, problems)
            if row is not None:
                rows.append(row)
        line = reader.line_num + 1
    if not rows and not problems:
        problems.append(RowProblem(0, "", N_("The file has a header but no learners.")))
    return ParsedFile(rows, problems)


def _row(line, cells, keys, choices, first_line, problems) -> Row | None:
    found: list[RowProblem] = []
    if len(cells) > len(keys):
        message = N_("This line has {cells} cells; the header has {columns}.")
        found.append(RowProblem(line, "", message, {"cells": len(cells), "columns": len(keys)}))
    values = {key: clean_text(cell) for key, cell in zip(keys, cells, strict=False) if key}
    email = clean_email(values.get("email", ""))
    _formulas(found, line, values)
    if not _has(found, "email"):
        _check(found, line, "email", email, email_problem(email) if email else N_("Please fill in this field."))
    for key, required in (("full_name", True), ("position", False)):
        if not _has(found, key):
            _check(found, line, key, values.get(key, ""), name_problem(values.get(key, ""), required=required))
    coded = {key: _coded(found, line, key, values.get(key, ""), choices.get(key, {})) for key in ("org_type", "region")}
    locale = _language(found, line, values.get("language", ""))
    if email and not _has(found, "email"):
        _duplicate(found, line, email, first_line)
    problems.extend(found)
    if found:
        return None
    position = values.get("position") or None
    return Row(line, email, values["full_name"], coded["org_type"], coded["region"], position, locale)


def _has(found: list[RowProblem], column: str) -> bool:
    return any(problem.column == column for problem in found)


def _formulas(found: list[RowProblem], line: int, values: Mapping[str, str]) -> None:
    message = N_("This cell starts with {sign}, which a spreadsheet runs as a formula. Remove the sign.")
    for key in ("email", "full_name", "position"):
        if values.get(key, "").startswith(FORMULA_SIGNS):
            found.append(RowProblem(line, key, message, {"sign": values[key][0]}, values[key]))


def _duplicate(found: list[RowProblem], line: int, email: str, first_line: dict[str, int]) -> None:
    """The second and later lines with one e-mail are problems, naming the first."""
    if email in first_line:
        message = N_("This e-mail is already on line {first}.")
        found.append(RowProblem(line, "email", message, {"first": first_line[email]}, email))
    else:
        first_line[email] = line


def _check(found: list[RowProblem], line: int, column: str, value: str, message: str | None) -> None:
    if message:
        found.append(RowProblem(line, column, message, {}, value))


def _coded(found: list[RowProblem], line: int, column: str, value: str, known: Mapping[str, str]) -> str:
    if not value:
        found.append(RowProblem(line, column, N_("Please fill in this field."), {}, value))
        return ""
    code = known.get(normalise_label(value))
    if code is None:
        found.append(
            RowProblem(
                line,
                column,
                N_("“{value}” is not in the list. Use a code or a name from the list."),
                {"value": value[:100]},
                value,
            )
        )
        return ""
    return code


def _language(found: list[RowProblem], line: int, value: str) -> str:
    folded = normalise_label(value)
    aliases = {"": "uk", "uk": "uk", "ua": "uk", "українська": "uk", "en": "en", "english": "en", "англійська": "en"}
    if folded not in aliases:
        found.append(RowProblem(line, "language", N_("Write uk or en."), {}, value))
        return "uk"
    return aliases[folded]


def choice_aliases(codes: Mapping[str, str], translate_uk) -> dict[str, str]:
    """{normalised code, English label, Ukrainian label: code} for one list of choices."""
    aliases: dict[str, str] = {}
    for code, label in codes.items():
        for name in (code, label, translate_uk(label)):
            aliases[normalise_label(name)] = code
    return aliases
