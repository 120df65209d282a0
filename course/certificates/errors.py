"""Refusals raised by the certificate use cases; views and the CLI turn them into pages.

Core module: standard library only (and the `N_` marker from `course.problems`).
"""

from __future__ import annotations

from course.problems import N_


class CertificateError(Exception):
    """A refusal with a user-facing message template."""

    message = N_("This action is not possible.")


class CertificateNotFound(CertificateError):
    message = N_("This certificate does not exist.")


class CertificatePending(CertificateError):
    message = N_("Your certificate is being prepared. Please try again in a minute.")


class CertificateRenderError(Exception):
    """The certificate could not be rendered; the message is safe to log and show to admins."""
