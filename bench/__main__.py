"""`python -m bench` (`make bench`): run every benchmark; `python -m bench lesson_page` runs one.

`python -m bench load` (`make bench-load`) is opt-in, never in the default list: it runs locust
from its own venv for about three minutes.
"""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["lesson_page", "quiz_submit", "certificates", "import_10k", "reports", "content"]
OPT_IN = ["load"]  # named on the command line only


def main(names: list[str]) -> None:
    for name in names or BENCHMARKS:
        try:
            module = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as missing:
            if missing.name == f"bench.{name}":
                continue  # a benchmark of a domain not built yet
            raise
        print(f"# {name}", flush=True)
        module.run()


if __name__ == "__main__":
    main(sys.argv[1:])
