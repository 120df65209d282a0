"""The baseline: a bare Flask app returning a constant page of BARE_PAGE_BYTES bytes."""

import os

from flask import Flask

app = Flask(__name__)
PAGE = ("<!doctype html><p>" + "x" * max(0, int(os.environ.get("BARE_PAGE_BYTES", "4000")) - 18)).encode()


@app.get("/")
def page():
    return PAGE, 200, {"Content-Type": "text/html; charset=utf-8"}
