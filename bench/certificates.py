"""Certificate rendering (cold and warm) and the verification page against the bare Flask page.

- certificate_cold_ms: a new Python process that imports the core renderer and renders one
  PDF (interpreter start, WeasyPrint import, font loading, first layout), wall time, median
  of BENCH_COLD_RUNS.
- certificate_warm_ms: one more certificate in a process that has already rendered one,
  through the issuing code path (`pdfs.sample_pdf`), median of BENCH_WARM_RUNS.
- verify_page_ratio: req/s of /verify/<code> for a valid certificate (rate-limit counter
  included, limit raised so every request is a real lookup) over the bare Flask page of the
  same size, both under the harness's gunicorn and wrk in the same run.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
import urllib.request
from datetime import date

from bench.harness import ROOT, app_env, bare_page, figure, gunicorn, interleaved, temporary_instance

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
COLD_RUNS = int(os.environ.get("BENCH_COLD_RUNS", "5"))
WARM_RUNS = int(os.environ.get("BENCH_WARM_RUNS", "30"))
BASE_URL = "https://frontline.example.org"

# What the cold process runs: the core renderer only (no app, no database), from the same
# plain-data context the issuing service builds, as `python -c` in a fresh interpreter.
COLD_SCRIPT = f"""
from datetime import date
from pathlib import Path
from course.certificates.codes import new_code, verification_url
from course.certificates.render import render_pdf
from course.message_catalogs import translator
from course.certificates.types import CertificateContext, translate_labels
root = Path({str(ROOT)!r})
code = new_code()
uk = translator("uk", root / "course" / "translations")
context = CertificateContext(
    holder_name="Олена Петренко", lang="uk", course_title=uk("Countering human trafficking: a course for "
    "frontline practitioners"), course_title_en="Countering human trafficking: a course for frontline "
    "practitioners", issued_on=date(2026, 11, 2), expires_on=None, content_version="3fa9c2d1e0b4",
    code=code, verify_url=verification_url({BASE_URL!r}, code), labels=translate_labels(uk),
    labels_en=translate_labels(lambda s: s))
assert render_pdf(context, root / "certificates").startswith(b"%PDF")
"""


def cold_ms() -> float:
    """Wall time of a fresh interpreter rendering one certificate."""
    times = []
    for _ in range(COLD_RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", COLD_SCRIPT], cwd=ROOT, check=True, timeout=120)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def warm_ms() -> float:
    """One more certificate once the renderer is warm (fonts, CSS and template loaded)."""
    from course.certificates.pdfs import sample_pdf
    from course.certificates.settings import settings_from

    settings = settings_from(
        {"BASE_URL": BASE_URL, "CERTIFICATES_DIR": str(ROOT / "certificates")}, ROOT / "course" / "translations"
    )
    for _ in range(3):
        sample_pdf(settings, "Олена Петренко", "uk", date(2026, 11, 2))
    times = []
    for index in range(WARM_RUNS):
        start = time.perf_counter()
        sample_pdf(settings, f"Олена Петренко {index}", "uk", date(2026, 11, 2))  # a new code each time
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def prepare(env: dict[str, str]) -> str:
    """Migrate, register a learner, issue their certificate; return its verification path."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from course import create_app
    from course.accounts.services import Registration, register
    from course.certificates.codes import format_code
    from course.certificates.issuing import issue
    from course.certificates.records import requirements_for
    from course.certificates.views import current_settings
    from course.clock import utcnow
    from course.content.access import current_catalog
    from course.extensions import db

    app = create_app()
    with app.app_context():
        upgrade()
        learner = register(
            db.session,
            Registration(
                "bench-cert@example.org", "Олена Петренко", "correct horse battery staple", "police", "lviv", None, "uk"
            ),
            utcnow(),
        )
        course = requirements_for(current_catalog(), current_settings())
        certificate = issue(
            db.session,
            learner,
            course.content_hash,
            course.module_hashes,
            current_settings(),
            utcnow(),
            expires_at=None,
        )
        db.session.commit()
        return f"/verify/{format_code(certificate.code)}"


def run() -> dict[str, float]:
    results: dict[str, float] = {"certificate_cold_ms": cold_ms(), "certificate_warm_ms": warm_ms()}
    with temporary_instance() as instance:
        env = {**app_env(instance), "VERIFY_LIMIT_PER_IP": str(10**9), "BASE_URL": BASE_URL}
        path = prepare(env)
        with gunicorn("wsgi:app", env) as url:
            body = urllib.request.urlopen(url + path).read()  # noqa: S310 - loopback only
            assert 'data-state="valid"' in body.decode(), "the benchmark must load a valid certificate"
            with bare_page(len(body)) as bare_url:
                verify, bare = interleaved(url + path, dict, bare_url + "/", ROUNDS)
    verify_rps = statistics.median(r.rps for r in verify)
    bare_rps = statistics.median(r.rps for r in bare)
    results.update(
        {
            "verify_page_rps": verify_rps,
            "verify_bare_page_rps": bare_rps,
            "verify_page_ratio": verify_rps / bare_rps,
            "verify_page_p99_ms": statistics.median(r.p99_ms for r in verify),
            "verify_page_bytes": len(body),
            "verify_page_errors": sum(r.errors for r in verify),
        }
    )
    for name, value in results.items():
        figure(name, value)
    return results
