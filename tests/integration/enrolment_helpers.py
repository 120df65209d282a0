"""Bulk enrolment through the admin pages, as a browser does it: upload a file, open the
checked batch, press "Import". Shared by the enrolment tests and the atomicity cases."""

from __future__ import annotations

import io
import re
from pathlib import Path

from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.conftest import csrf_token

DATA = Path(__file__).parents[1] / "data" / "imports"


def upload(client, data: bytes, cohort_id: int | None, filename="learners.csv", lang="en"):
    token = csrf_token(client, f"/admin/cohorts/import?lang={lang}")
    form = {"csrf_token": token, "cohort": str(cohort_id or ""), "file": FileStorage(io.BytesIO(data), filename)}
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart(form)
    content_type = f"multipart/form-data; boundary={boundary}"
    return client.post(f"/admin/cohorts/import?lang={lang}", data=body, content_type=content_type)


def batch_page(client, response, lang="en") -> tuple[int, str]:
    assert response.status_code == 303, response.status_code
    location = response.headers["Location"]
    batch_id = int(re.search(r"/imports/(\d+)", location).group(1))
    return batch_id, client.get(f"{location}?lang={lang}").get_data(as_text=True)


def apply(client, batch_id: int):
    token = csrf_token(client, f"/admin/cohorts/imports/{batch_id}")
    return client.post(f"/admin/cohorts/imports/{batch_id}/apply?lang=en", data={"csrf_token": token})
