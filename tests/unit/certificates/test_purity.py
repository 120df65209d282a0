"""The certificate core stays pure: no Flask, no extensions, no models (STYLE.md)."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = ["types", "codes", "eligibility", "render", "settings"]


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_without_flask(module):
    code = (
        f"import sys, course.certificates.{module}; "
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "{'flask', 'flask_login', 'flask_sqlalchemy', 'flask_babel', 'sqlalchemy'} "
        "or m == 'course.extensions' or (m.startswith('course.') and m.endswith('.models'))); "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"{module} pulls in: {done.stdout} {done.stderr}"
