"""Certificates: issued automatically, frozen at issue, verifiable by QR, revocable, expiring.

Core (pure, no Flask): `types` (plain-data context and labels), `codes` (verification codes
and URLs), `eligibility` (the issuing rule), `render` (sandboxed Jinja + WeasyPrint with a
locked-down fetcher). The web, CLI and database layers build on these; the template, CSS
and bundled fonts live at the top-level `certificates/` directory, as data.
"""
