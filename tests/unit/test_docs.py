"""Every environment setting the code reads is documented in docs/deploy.md and the README."""

from pathlib import Path

import pytest

from course.config import SETTINGS

ROOT = Path(__file__).parents[2]


@pytest.mark.parametrize("document", ["docs/deploy.md", "README.md"])
def test_every_setting_is_documented(document):
    text = (ROOT / document).read_text()
    missing = [name for name in SETTINGS if f"`{name}`" not in text]
    assert not missing, f"{document} does not describe {missing}"


def test_readme_opens_with_the_two_commands():
    head = (ROOT / "README.md").read_text().split("\n")[:6]
    assert any(line.startswith("make run") for line in head)
    assert any(line.startswith("make test") for line in head)
