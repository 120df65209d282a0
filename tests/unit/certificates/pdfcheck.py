"""Read certificates back with the real tools: poppler-utils (pdftotext, pdffonts, pdfinfo,
pdfdetach, pdftoppm) and zbar-tools (zbarimg). Shared by unit and integration tests."""

from __future__ import annotations

import re
import subprocess
from datetime import date
from pathlib import Path

from course.certificates.codes import new_code, verification_url
from course.certificates.types import CertificateContext, translate_labels

BASE_URL = "https://frontline.example.org"
# A few Ukrainian labels, as a gettext would return them; the real ones live in messages.po.
UK = {
    "Certificate of completion": "Сертифікат про проходження курсу",
    "This certifies that": "Цим засвідчується, що",
}


def make_context(**overrides) -> CertificateContext:
    code = overrides.pop("code", None) or new_code()
    values = {
        "holder_name": "Олена Петренко",
        "lang": "uk",
        "course_title": "Протидія торгівлі людьми: основи",
        "course_title_en": "Countering human trafficking: the basics",
        "issued_on": date(2026, 3, 12),
        "expires_on": None,
        "content_version": "3fa9c2d1e0b4",
        "code": code,
        "verify_url": verification_url(BASE_URL, code),
        "labels": translate_labels(lambda s: UK.get(s, s)),
        "labels_en": translate_labels(lambda s: s),
    }
    values.update(overrides)
    return CertificateContext(**values)


def _run(*args: str, input_bytes: bytes | None = None) -> str:
    done = subprocess.run(args, input=input_bytes, capture_output=True, check=True, timeout=60)
    return done.stdout.decode("utf-8")


def write_pdf(tmp_path: Path, pdf: bytes, name: str = "certificate.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(pdf)
    return path


def pdf_text(path: Path) -> str:
    """`pdftotext -raw` (content order, no de-hyphenation) with whitespace runs collapsed."""
    return re.sub(r"\s+", " ", _run("pdftotext", "-raw", "-enc", "UTF-8", str(path), "-"))


def pdf_pages(path: Path) -> int:
    info = _run("pdfinfo", str(path))
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_fonts(path: Path) -> list[dict[str, str]]:
    """One dict per `pdffonts` row: name, emb, sub."""
    lines = _run("pdffonts", str(path)).splitlines()[2:]
    rows = []
    for line in lines:
        parts = line.split()
        # name type... encoding emb sub uni object-id generation: flags are the 5th-3rd from last
        rows.append({"name": parts[0], "emb": parts[-5], "sub": parts[-4], "uni": parts[-3]})
    return rows


def pdf_attachments(path: Path) -> str:
    return _run("pdfdetach", "-list", str(path))


def qr_payloads(path: Path, tmp_path: Path) -> list[str]:
    """Every QR code zbarimg finds on page 1 rendered at 150 dpi by pdftoppm."""
    prefix = tmp_path / "page"
    _run("pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(prefix))
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", "-Sdisable", "-Sqrcode.enable", f"{prefix}.png"],
        capture_output=True,
        timeout=60,
    )
    return [line for line in out.stdout.decode("utf-8").splitlines() if line]
