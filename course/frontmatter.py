"""Front matter: the `---`-fenced YAML header of module, page, quiz and job-aid files.

Core module: stdlib and PyYAML only. YAML is read with the safe loader, with anchors and
aliases refused (the "billion laughs" bomb) and duplicate keys reported, and every key keeps
its line number so problems can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from course.problems import N_, Problem

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
MAX_FRONT_MATTER_CHARS = 20_000


@dataclass(frozen=True, slots=True)
class FrontMatter:
    values: dict[str, Any]
    lines: dict[str, int]
    body: str
    body_start_line: int


@dataclass(frozen=True, slots=True)
class Field:
    """One allowed front-matter key: its type, whether it is required, and its default."""

    name: str
    kind: type | tuple[type, ...]
    required: bool = False
    default: Any = None
    check: Callable[[Any], str | None] | None = None


class FrontMatterError(Exception):
    def __init__(self, line: int, message: str, *, column: int | None = None, **params: object) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message
        self.params = params


def split_front_matter(text: str) -> FrontMatter:
    """Split `text` into its YAML header and body; raise FrontMatterError naming the line."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        raise FrontMatterError(1, N_("the file must start with a line '---' opening the header"))
    for index in range(1, len(lines)):
        if lines[index].strip() == "---":
            closing = index
            break
    else:
        raise FrontMatterError(1, N_("the header opened on line 1 is never closed with '---'"))
    header = "\n".join(lines[1:closing])
    if len(header) > MAX_FRONT_MATTER_CHARS:
        raise FrontMatterError(2, N_("the header is too long"))
    values, key_lines = _parse_mapping(header, first_line=2)
    body = "\n".join(lines[closing + 1 :])
    return FrontMatter(values, key_lines, body, closing + 2)


# libyaml's parser, where PyYAML was built with it, is many times faster than the pure-Python one
# (a 2,000-question course has 4,000 headers). Its error messages are worded differently, so a
# header it refuses is read again by the pure-Python parser, whose message and position authors
# see: the problems are the same either way, only clean headers take the fast path.
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)


def _parse_mapping(header: str, first_line: int) -> tuple[dict[str, Any], dict[str, int]]:
    if _FAST_LOADER is not None:
        try:
            return _read_mapping(header, first_line, _FAST_LOADER)
        except FrontMatterError:
            pass
    return _read_mapping(header, first_line, yaml.SafeLoader)


def _read_mapping(header: str, first_line: int, loader: Any) -> tuple[dict[str, Any], dict[str, int]]:
    try:
        _refuse_anchors(header, first_line, loader)
        node = yaml.compose(header, Loader=loader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        column = mark.column + 1 if mark else None
        message = N_("the header is not valid: {reason}")
        raise FrontMatterError(line, message, column=column, reason=exc.problem) from None
    except yaml.YAMLError:
        raise FrontMatterError(first_line, N_("the header is not valid")) from None
    if node is None:
        raise FrontMatterError(first_line, N_("the header is empty"))
    if not isinstance(node, yaml.MappingNode):
        raise FrontMatterError(first_line, N_("the header must be lines of the form 'key: value'"))
    values: dict[str, Any] = {}
    key_lines: dict[str, int] = {}
    constructor = yaml.SafeLoader("")
    for key_node, value_node in node.value:
        line = first_line + key_node.start_mark.line
        column = key_node.start_mark.column + 1
        if not isinstance(key_node, yaml.ScalarNode):
            raise FrontMatterError(line, N_("a header key must be a plain word"), column=column)
        key = str(key_node.value)
        if key in values:
            raise FrontMatterError(line, N_("the key '{key}' appears twice"), column=column, key=key)
        try:
            values[key] = constructor.construct_object(value_node, deep=True)
        except yaml.YAMLError:
            at = value_node.start_mark.column + 1
            raise FrontMatterError(line, N_("the value of '{key}' is not valid"), column=at, key=key) from None
        key_lines[key] = line
    return values, key_lines


def _refuse_anchors(header: str, first_line: int, loader: Any) -> None:
    """Anchors and aliases let a few lines expand to gigabytes; authors never need them."""
    for event in yaml.parse(header, Loader=loader):
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            line = first_line + (event.start_mark.line if event.start_mark else 0)
            column = event.start_mark.column + 1 if event.start_mark else None
            raise FrontMatterError(line, N_("anchors and aliases (& and *) are not allowed"), column=column)


def read_fields(front: FrontMatter, fields: Sequence[Field], path: str) -> tuple[dict[str, Any], list[Problem]]:
    """Validate the header against `fields`: unknown keys, missing keys, wrong types."""
    problems: list[Problem] = []
    known = {f.name: f for f in fields}
    result: dict[str, Any] = {}
    for key, line in front.lines.items():
        if key not in known:
            problems.append(Problem(path, line, N_("unknown key '{key}'"), {"key": key}))
    for spec in fields:
        if spec.name not in front.values:
            if spec.required:
                problems.append(Problem(path, 1, N_("the key '{key}' is missing"), {"key": spec.name}))
            result[spec.name] = spec.default
            continue
        value = front.values[spec.name]
        line = front.lines[spec.name]
        message = _type_problem(spec, value)
        if message is None and spec.check is not None:
            message = spec.check(value)
        if message is not None:
            problems.append(Problem(path, line, message, {"key": spec.name, "value": str(value)[:80]}))
            result[spec.name] = spec.default
        else:
            result[spec.name] = value.strip() if isinstance(value, str) else value
    return result, problems


def _type_problem(spec: Field, value: Any) -> str | None:
    kinds = spec.kind if isinstance(spec.kind, tuple) else (spec.kind,)
    # YAML reads `yes` as a boolean, and bool is a subclass of int: refuse it for numbers.
    if isinstance(value, bool) and bool not in kinds:
        return _expected(kinds)
    if not isinstance(value, kinds):
        return _expected(kinds)
    if isinstance(value, str) and not value.strip():
        return N_("'{key}' must not be empty")
    return None


def _expected(kinds: tuple[type, ...]) -> str:
    if int in kinds:
        return N_("'{key}' must be a whole number, not '{value}'")
    if bool in kinds:
        return N_("'{key}' must be true or false, not '{value}'")
    return N_("'{key}' must be text, not '{value}'")


def check_id(value: Any) -> str | None:
    """Ids are stored in the database: lower-case Latin letters, digits and hyphens."""
    if not ID_PATTERN.match(str(value)):
        return N_("'{key}' must use lower-case Latin letters, digits and hyphens, not '{value}'")
    return None


def positive(value: Any) -> str | None:
    return None if value > 0 else N_("'{key}' must be greater than zero, not '{value}'")
