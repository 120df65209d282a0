"""The certificate as printed: its plain-data context, the PDFs rendered and stored at issue,
the stored bytes served later, and the sample. A session passed in; flush, never commit.

The PDF is rendered and stored in the issuing transaction; if WeasyPrint fails, the row stays,
the failure is logged with an error id, and the next download renders it (CERT-5).
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from course.certificates.codes import new_code, verification_url
from course.certificates.eligibility import short_hash
from course.certificates.errors import CertificateNotFound, CertificatePending, CertificateRenderError
from course.certificates.models import Certificate
from course.certificates.settings import CertificateSettings
from course.certificates.types import COURSE_TITLE, LANGUAGES, CertificateContext, display_name, translate_labels
from course.clock import as_utc
from course.extensions import Session
from course.message_catalogs import translator

log = logging.getLogger("frontline.certificates")

SAMPLE_NAME = "Олена Петренко"


def course_titles(lang: str, settings: CertificateSettings) -> dict[str, str]:
    """The certificate's language and the course title as printed in it, and in English."""
    title = translator(lang, settings.translations_dir)(COURSE_TITLE)
    return {"lang": lang, "course_title": title, "course_title_en": COURSE_TITLE}


def context_for(
    certificate: Certificate, settings: CertificateSettings, is_sample: bool = False, lang: str | None = None
) -> CertificateContext:
    """The plain-data context for the stored certificate, in its language or in `lang`: what
    it prints, nothing else (the outline as frozen at issue)."""
    lang = lang or certificate.lang
    gettext = translator(lang, settings.translations_dir)
    outline = certificate.outline or {}
    modules = outline.get("modules") or []
    minutes = sum(int(m.get("minutes") or 0) for m in modules)
    zone = ZoneInfo(settings.timezone)  # the date is the local one, as every page shows it
    expires = as_utc(certificate.expires_at).astimezone(zone).date() if certificate.expires_at else None
    return CertificateContext(
        holder_name=certificate.holder_name,
        lang=lang,
        course_title=certificate.course_title if lang == certificate.lang else gettext(COURSE_TITLE),
        course_title_en=certificate.course_title_en,
        issued_on=as_utc(certificate.issued_at).astimezone(zone).date(),
        expires_on=expires,
        content_version=short_hash(certificate.content_hash),
        code=certificate.code,
        verify_url=verification_url(settings.base_url, certificate.code),
        labels=translate_labels(gettext),
        labels_en=translate_labels(lambda s: s),
        is_sample=is_sample,
        modules=tuple(str(m.get(lang) or m.get("en") or "") for m in modules),
        modules_en=tuple(str(m.get("en") or "") for m in modules),
        hours=-(-minutes // 30) / 2 if minutes else None,  # rounded up to the half hour
        issuer=str(outline.get("issuer") or ""),
    )


def _printed(context: CertificateContext, settings: CertificateSettings) -> bytes:
    """The PDF of `context`, from the configured template."""
    # Imported here, not at the top: WeasyPrint takes half a second to import, and every
    # process would pay it (each worker, each CLI command) though most never print a PDF.
    from course.certificates.render import render_pdf

    return render_pdf(context, Path(settings.template_dir))


def render_and_store(session: Session, certificate: Certificate, settings: CertificateSettings, now: datetime) -> bool:
    """Render the PDF and store it with its SHA-256; on failure log an error id, keep the row."""
    try:
        pdf = _printed(context_for(certificate, settings), settings)
        pdf_alt = _render_other_language(certificate, settings)
    except CertificateRenderError as exc:
        certificate.render_error_id = secrets.token_hex(4)
        log.error(
            "certificate rendering failed: %s",
            exc,
            extra={
                "event": "certificate_render_failed",
                "error_id": certificate.render_error_id,
                "target": certificate.id,
            },
        )
        return False
    certificate.pdf = pdf
    certificate.pdf_alt = pdf_alt  # the same certificate in the other language, frozen with it
    certificate.pdf_alt_sha256 = hashlib.sha256(pdf_alt).hexdigest()
    certificate.pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    certificate.pdf_size = len(pdf)
    certificate.rendered_at = now
    certificate.render_error_id = None
    return True


def _render_other_language(certificate: Certificate, settings: CertificateSettings) -> bytes:
    other = next(language for language in LANGUAGES if language != certificate.lang)
    return _printed(context_for(certificate, settings, lang=other), settings)


def stored_pdf(
    session: Session, certificate: Certificate, settings: CertificateSettings, now: datetime, lang: str | None = None
) -> bytes:
    """The PDF exactly as stored at issue, in its language or the other (`lang`); rendered now
    if issue-time rendering failed."""
    if certificate.withdrawn_at is not None:  # erased holder: nothing to print (DATA-2)
        raise CertificateNotFound()
    if certificate.pdf is None and not render_and_store(session, certificate, settings, now):
        raise CertificatePending()
    if lang and lang != certificate.lang:
        return _other_language_pdf(session, certificate, settings, now)
    pdf = certificate.pdf or b""
    if hashlib.sha256(pdf).hexdigest() != certificate.pdf_sha256:
        log.error(
            "stored certificate PDF does not match its SHA-256",
            extra={"event": "certificate_integrity", "target": certificate.id},
        )
        raise CertificatePending()
    return pdf


def _other_language_pdf(session: Session, certificate: Certificate, settings: CertificateSettings, now) -> bytes:
    """The stored other-language PDF. A certificate issued before both were stored gets its
    second language rendered once, on first request, and kept from then on."""
    if certificate.pdf_alt is None:
        try:
            pdf_alt = _render_other_language(certificate, settings)
        except CertificateRenderError:
            raise CertificatePending() from None
        certificate.pdf_alt, certificate.pdf_alt_sha256 = pdf_alt, hashlib.sha256(pdf_alt).hexdigest()
        session.flush()
    pdf = certificate.pdf_alt or b""
    if hashlib.sha256(pdf).hexdigest() != certificate.pdf_alt_sha256:
        log.error("stored certificate PDF does not match its SHA-256", extra={"event": "certificate_integrity"})
        raise CertificatePending()
    return pdf


def sample_pdf(settings: CertificateSettings, name: str, lang: str, today: date) -> bytes:
    """A preview through the issuing path: a sample code, a QR to this site, marked SAMPLE."""
    if lang not in LANGUAGES:
        raise ValueError(f"language must be one of {', '.join(LANGUAGES)}")
    certificate = Certificate(
        code=new_code(),
        holder_name=display_name(name) or SAMPLE_NAME,
        content_hash="0" * 64,
        issued_at=datetime.combine(today, datetime.min.time()),
        expires_at=(datetime.combine(today, datetime.min.time()) + settings.validity if settings.validity else None),
        **course_titles(lang, settings),
    )
    return _printed(context_for(certificate, settings, is_sample=True), settings)
