"""The locked-down WeasyPrint fetcher and the sandboxed template (docs/security.md CERT-1, CERT-2)."""

from __future__ import annotations

import os
import socket
import threading
from pathlib import Path

import pytest

from course.certificates.render import (
    AssetRefused,
    BundledAssetFetcher,
    CertificateRenderError,
    render_pdf,
)
from tests.unit.certificates.pdfcheck import make_context, pdf_attachments, pdf_text, write_pdf


@pytest.fixture
def fetcher(template_copy: Path) -> BundledAssetFetcher:
    return BundledAssetFetcher(template_copy)


def test_fetcher_serves_bundled_fonts_and_css_CERT1(fetcher, template_copy):
    font = fetcher.fetch((template_copy / "fonts" / "DejaVuSans.ttf").as_uri())
    assert font.read()[:4] == b"\x00\x01\x00\x00"
    css = fetcher.fetch((template_copy / "certificate.css").as_uri())
    assert b"@page" in css.read()


def refused_urls(root: Path) -> dict[str, str]:
    outside = root.parent / "outside.css"
    outside.write_text("body { color: red }")
    (root / "link.css").symlink_to(outside)
    (root / "passwd.css").symlink_to("/etc/passwd")
    return {
        "etc-passwd": "file:///etc/passwd",
        "etc-hostname": "file:///etc/hostname",
        "dev-urandom": "file:///dev/urandom",
        "loopback-http": "http://127.0.0.1/",
        "metadata-http": "http://169.254.169.254/latest/meta-data/",
        "postgres-port": "http://127.0.0.1:5432/",
        "https": "https://example.org/font.ttf",
        "ftp": "ftp://127.0.0.1/x.css",
        "data-css": "data:text/css,body{color:red}",
        "data-png": "data:image/png;base64,iVBORw0KGgo=",
        "javascript": "javascript:alert(1)",
        "file-remote-host": f"file://evil.example{root}/certificate.css",
        "dotdot": f"{root.as_uri()}/../outside.css",
        "encoded-dotdot": f"{root.as_uri()}/%2e%2e/outside.css",
        "fonts-dotdot": f"{root.as_uri()}/fonts/../../outside.css",
        "symlink-out": (root / "link.css").as_uri(),
        "symlink-passwd": (root / "passwd.css").as_uri(),
        "template-source": (root / "certificate.html").as_uri(),
        "missing": (root / "fonts" / "missing.ttf").as_uri(),
        "directory": (root / "fonts").as_uri() + "/",
    }


def test_fetcher_refuses_everything_else_CERT1(fetcher, template_copy):
    for label, url in refused_urls(template_copy).items():
        with pytest.raises(AssetRefused):
            fetcher.fetch(url)
            pytest.fail(f"{label} was served")


def test_fetcher_never_installs_urllib_handlers_CERT1(fetcher):
    """No HTTP, FTP, file, data or proxy handler exists to fall back on."""
    assert fetcher.handlers == []


@pytest.fixture
def listener():
    """A real TCP socket on loopback that records whether anything connected."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    server.settimeout(0.2)
    seen: list[bool] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except TimeoutError:
                continue
            seen.append(True)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], seen
    stop.set()
    thread.join()
    server.close()


def hostile_templates(port: int) -> dict[str, tuple[str, str]]:
    """(where, snippet): inserted in the HTML body or appended to the CSS."""
    return {
        "img-passwd": ("html", '<img src="file:///etc/passwd">'),
        "attachment-hostname": ("html", '<link rel="attachment" href="file:///etc/hostname">'),
        "stylesheet-http": (
            "html",
            f'<link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
        ),
        "import-http": ("css", f"@import url(http://127.0.0.1:{port}/);"),
        "background-urandom": ("css", "body { background: url(file:///dev/urandom) }"),
        "img-escape": ("html", '<img src="../../../../../../etc/passwd">'),
        "img-absolute-path": ("html", '<img src="/etc/passwd">'),
        "img-protocol-relative": ("html", f'<img src="//127.0.0.1:{port}/x.png">'),
        "svg-image": (
            "html",
            '<svg><image href="file:///etc/passwd" width="10" height="10"/></svg>',
        ),
        "object-http": ("html", f'<object data="http://127.0.0.1:{port}/"></object>'),
        "font-face-http": (
            "css",
            f"@font-face {{ font-family: X; src: url(http://127.0.0.1:{port}/x.ttf) }}",
        ),
        "base-href": ("html", f'<base href="http://127.0.0.1:{port}/"><img src="x.png">'),
    }


def test_hostile_template_fails_cleanly_and_reaches_nothing_CERT1(template_copy, listener, tmp_path):
    """Each refused URL stops the render with CertificateRenderError; nothing is fetched."""
    port, seen = listener
    html_path, css_path = template_copy / "certificate.html", template_copy / "certificate.css"
    html, css = html_path.read_text(), css_path.read_text()
    for label, (where, snippet) in hostile_templates(port).items():
        html_path.write_text(html.replace("<body>", "<body>" + snippet) if where == "html" else html)
        css_path.write_text(snippet + "\n" + css if where == "css" else css)
        _bump_mtime(html_path, css_path)
        with pytest.raises(CertificateRenderError) as caught:
            render_pdf(make_context(), template_copy)
            pytest.fail(f"{label} rendered")
        assert "refused" in str(caught.value), label
    assert seen == [], "the renderer connected to the loopback listener"
    # and the untouched template still renders, with no attachment
    html_path.write_text(html)
    css_path.write_text(css)
    _bump_mtime(html_path, css_path)
    path = write_pdf(tmp_path, render_pdf(make_context(), template_copy))
    assert pdf_attachments(path).strip() == "0 embedded files"
    assert "root:" not in pdf_text(path)


def _bump_mtime(*paths: Path) -> None:
    """Make sure the template cache sees each edit even on coarse-mtime filesystems."""
    for path in paths:
        stat = path.stat()
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))


SANDBOX_ESCAPES = {
    "mro": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "globals": "{{ lipsum.__globals__ }}",
    "format": "{{ '{0.__class__}'.format(holder_name) }}",
    "cycler": "{{ cycler.__init__.__globals__.os }}",
}


@pytest.mark.parametrize("snippet", SANDBOX_ESCAPES.values(), ids=SANDBOX_ESCAPES.keys())
def test_template_cannot_escape_the_sandbox_CERT2(template_copy, snippet):
    html_path = template_copy / "certificate.html"
    html_path.write_text(html_path.read_text().replace("<body>", "<body>" + snippet))
    _bump_mtime(html_path)
    with pytest.raises(CertificateRenderError):
        render_pdf(make_context(), template_copy)


def test_unknown_template_variable_fails_loudly(template_copy):
    html_path = template_copy / "certificate.html"
    html_path.write_text(html_path.read_text().replace("<body>", "<body>{{ user.email }}"))
    _bump_mtime(html_path)
    with pytest.raises(CertificateRenderError):
        render_pdf(make_context(), template_copy)


def test_template_edit_is_picked_up_without_restart(template_copy, tmp_path):
    before = pdf_text(write_pdf(tmp_path, render_pdf(make_context(), template_copy)))
    html_path = template_copy / "certificate.html"
    marker = '<p class="lead">Edited template</p>'
    html_path.write_text(html_path.read_text().replace("<header>", "<header>" + marker))
    _bump_mtime(html_path)
    after = pdf_text(write_pdf(tmp_path, render_pdf(make_context(), template_copy)))
    assert "Edited template" not in before and "Edited template" in after


def test_missing_template_directory_fails_cleanly(tmp_path):
    with pytest.raises(CertificateRenderError):
        render_pdf(make_context(), tmp_path / "nowhere")
