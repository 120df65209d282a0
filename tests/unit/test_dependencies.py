"""The lock files match pyproject.toml, and `make run` installs only what serving needs.

requirements/serve.txt and requirements/test.txt are made by `make lock` (uv pip compile);
a dependency added to pyproject.toml without re-locking fails here, with the command to run.
"""

from __future__ import annotations

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
SERVING = [Requirement(line) for line in PROJECT["dependencies"]]
TESTING = [Requirement(line) for line in PROJECT["optional-dependencies"]["test"]]
RELOCK = "run `make lock` and commit requirements/"


def pins(lock: str) -> dict[str, Requirement]:
    """name -> the pinned requirement (with its environment marker, if any)."""
    text = (ROOT / "requirements" / lock).read_text()
    found = {}
    for line in re.findall(r"^([A-Za-z0-9][^ \\\n]*==[^ \\\n]+(?: ; [^\\\n]+)?)", text, flags=re.M):
        requirement = Requirement(line.strip())
        found[canonicalize_name(requirement.name)] = requirement
    return found


def pinned_version(requirement: Requirement) -> str:
    [specifier] = requirement.specifier
    return specifier.version


@pytest.mark.parametrize(
    ("lock", "wanted"), [("serve.txt", SERVING), ("test.txt", SERVING + TESTING)], ids=["serve", "test"]
)
def test_every_declared_dependency_is_pinned_within_its_range(lock, wanted):
    locked = pins(lock)
    missing = [str(r) for r in wanted if canonicalize_name(r.name) not in locked]
    assert not missing, f"requirements/{lock} lacks {missing}: {RELOCK}"
    outside = [
        f"{r} (locked {pinned_version(locked[canonicalize_name(r.name)])})"
        for r in wanted
        if not r.specifier.contains(pinned_version(locked[canonicalize_name(r.name)]), prereleases=True)
    ]
    assert not outside, f"requirements/{lock} pins outside pyproject.toml's range: {outside}: {RELOCK}"


def test_serving_installs_none_of_the_test_tools():
    """Issue 16 (16): `make run` installs requirements/serve.txt only; Playwright, pytest and
    the type checker come with `make test`."""
    locked = pins("serve.txt")
    serving = {canonicalize_name(r.name) for r in SERVING}
    test_only = {canonicalize_name(r.name) for r in TESTING} - serving
    assert not test_only & set(locked)
    recipe = re.search(r"^\$\(VENV\)/\.installed:.*?\n((?:\t.*\n)+)", (ROOT / "Makefile").read_text(), re.M)
    assert recipe and "requirements/serve.txt" in recipe.group(1) and "test.txt" not in recipe.group(1)


def test_both_locks_agree_on_every_shared_pin():
    serve, test = pins("serve.txt"), pins("test.txt")
    differ = {name: (str(serve[name]), str(test[name])) for name in serve if str(serve[name]) != str(test.get(name))}
    assert not differ, f"serve.txt and test.txt disagree: {differ}: {RELOCK}"


def test_the_suite_runs_on_the_locked_versions():
    wrong = {}
    for name, requirement in pins("test.txt").items():
        if requirement.marker and not requirement.marker.evaluate():
            continue
        try:
            installed = version(name)
        except PackageNotFoundError:
            installed = None
        if installed != pinned_version(requirement):
            wrong[name] = (installed, pinned_version(requirement))
    assert not wrong, f"installed (found, locked) differ: {wrong}: run `make test`, which installs the lock"
