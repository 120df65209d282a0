"""`python -m bench` (`make bench`): run every benchmark; `python -m bench lesson_page` runs one."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ["lesson_page", "quiz_submit", "certificates"]


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
