"""COMPRESS_RESPONSES (issue 16, item 15): gzip in the app when no proxy does, never behind one."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.conftest import make_test_app


def _without_tokens(page: bytes) -> bytes:
    """The page minus its CSRF tokens, which differ when two renders fall in different seconds
    (the signed token carries a timestamp; WTForms puts `type` between `name` and `value`)."""
    return re.sub(rb'(name="csrf_token"[^>]*value=")[^"]*', rb"\1", page)


@pytest.fixture
def app_overrides() -> dict:
    return {"COMPRESS_RESPONSES": "auto", "PROXY_HOPS": 0}


def test_without_a_proxy_pages_and_styles_are_gzipped(client):
    plain = client.get("/verify").get_data()
    response = client.get("/verify", headers={"Accept-Encoding": "br, gzip;q=0.9"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response.headers["Vary"]
    assert _without_tokens(gzip.decompress(response.get_data())) == _without_tokens(plain)
    # A small page with a random token: about half the size, so a third saved is the bar.
    assert int(response.headers["Content-Length"]) == len(response.get_data()) < len(plain) * 2 / 3
    css = client.get("/static/style.css", headers={"Accept-Encoding": "gzip"})
    assert css.headers["Content-Encoding"] == "gzip"
    assert css.headers["ETag"].startswith("W/")  # the compressed bytes are another representation


def test_a_client_that_does_not_accept_gzip_gets_plain_bytes(client):
    response = client.get("/verify")
    assert "Content-Encoding" not in response.headers
    assert b"<html" in response.get_data()


def test_behind_a_proxy_the_app_leaves_compression_to_it(database_url, tmp_path, clock):
    app = make_test_app(database_url, tmp_path, clock, COMPRESS_RESPONSES="auto", PROXY_HOPS=1)
    response = app.test_client().get("/verify", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert "Content-Encoding" not in response.headers
    forced = make_test_app(database_url, tmp_path, clock, COMPRESS_RESPONSES="on", PROXY_HOPS=1)
    forced_response = forced.test_client().get("/verify", headers={"Accept-Encoding": "gzip"})
    assert forced_response.headers["Content-Encoding"] == "gzip"
