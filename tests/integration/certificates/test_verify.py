"""The public verification page (issue 5 Verifying; SECURITY.md CERT-3, CERT-4, (b)§7)."""

from __future__ import annotations

import re
import statistics
import time
from datetime import timedelta

import pytest

from course.certificates import manage
from course.certificates.codes import format_code, new_code
from course.certificates.models import Certificate
from course.extensions import db
from tests.conftest import csrf_token, make_test_app, reset_database
from tests.unit.certificates.pdfcheck import pdf_text, write_pdf

from .helpers import certificates, issue_directly

VERIFY_HEADERS = {"X-Robots-Tag": "noindex, nofollow", "Referrer-Policy": "no-referrer"}


def state_of(page: str) -> str:
    return re.search(r'class="[^"]*cert-state" role="status" data-state="(\w+)"', page).group(1)


@pytest.fixture
def holder(app, make_learner):
    user = make_learner(full_name="Олена Петренко")
    certificate_id, code = issue_directly(app, user.id)
    return user, certificate_id, code


def test_valid_certificate_page_masks_the_name_CERT3_CERT4(app, holder):
    _user, _id, code = holder
    response = app.test_client().get(f"/verify/{format_code(code)}")
    assert response.status_code == 200
    for name, value in VERIFY_HEADERS.items():
        assert response.headers[name] == value
    page = response.get_data(as_text=True)
    assert state_of(page) == "valid"
    assert "О. П*******" in page and "Петренко" not in page
    assert 'name="robots" content="noindex' in page
    assert format_code(code) in page


def test_typed_surname_confirms_the_full_name_CERT4(app, holder):
    _user, _id, code = holder
    client = app.test_client()
    url = f"/verify/{format_code(code)}"
    wrong = client.post(url, data={"surname": "Петренк", "csrf_token": csrf_token(client, url + "?confirm=name")})
    assert "Петренко" not in wrong.get_data(as_text=True)
    assert 'class="flash error name-check"' in wrong.get_data(as_text=True)
    right = client.post(url, data={"surname": "петренко", "csrf_token": csrf_token(client, url + "?confirm=name")})
    page = right.get_data(as_text=True)
    assert right.status_code == 200 and "Олена Петренко" in page
    assert right.headers["Referrer-Policy"] == "no-referrer"


def test_verification_page_shows_what_the_pdf_shows_CERT4(app, holder, tmp_path, make_learner):
    user, certificate_id, code = holder
    with app.app_context():
        pdf = db.session.get(Certificate, certificate_id).pdf
    printed = pdf_text(write_pdf(tmp_path, pdf))
    client = app.test_client()
    url = f"/verify/{format_code(code)}"
    page = client.post(url, data={"surname": "Петренко", "csrf_token": csrf_token(client, url + "?confirm=name")})
    page = re.sub(r"\s+", " ", page.get_data(as_text=True))
    with app.app_context():
        certificate = db.session.get(Certificate, certificate_id)
        fields = [
            certificate.holder_name,
            certificate.course_title,
            certificate.course_title_en,
            format_code(code),
            certificate.content_hash[:12],
        ]
    for field in fields:
        assert field in printed and field in page, field
    issued = re.search(r"\d{1,2} листопада 2026 р\.", printed).group(0)
    assert issued in page
    assert user.email not in page  # nothing beyond the certificate


def test_code_variants_reach_the_same_certificate_CERT3(app, holder):
    _user, _id, code = holder
    client = app.test_client()
    for variant in (code, code.lower(), format_code(code).lower(), " ".join(format_code(code).split("-"))):
        response = client.get(f"/verify/{variant}")
        assert response.status_code == 200, variant


def test_verify_form_redirects_to_the_code_page(app, holder):
    _user, _id, code = holder
    client = app.test_client()
    form = client.get("/verify")
    assert form.status_code == 200 and form.headers["X-Robots-Tag"] == "noindex, nofollow"
    response = client.post(
        "/verify", data={"code": format_code(code).lower(), "csrf_token": csrf_token(client, "/verify")}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/verify/{format_code(code)}")
    bad = client.post("/verify", data={"code": "nonsense", "csrf_token": csrf_token(client, "/verify")})
    assert client.get(bad.headers["Location"]).status_code == 404


BAD_CODES = {
    "unknown": lambda: format_code(new_code()),
    "overlong": lambda: "A" * 10_240,
    "traversal": lambda: "../../etc/passwd",
    "nul": lambda: "%00",
    "sql": lambda: "' OR '1'='1",
    "sql-drop": lambda: "x'); DROP TABLE certificate;--",
    "cyrillic-look-alike": lambda: "А" * 28,
    "emoji": lambda: "😀",
    "dots": lambda: "..",
}


def _normalised(response) -> str:
    """The body with the echoed request path removed: it is the only thing allowed to differ."""
    body = response.get_data(as_text=True)
    return re.sub(r'name="csrf_token" value="[^"]+"', "", body)


@pytest.mark.parametrize("make", BAD_CODES.values(), ids=BAD_CODES.keys())
def test_unknown_and_malformed_codes_get_the_same_answer_CERT3(app, holder, make):
    """(b)§7: every bad code gets the unknown-code page: same status, same body, no 500."""
    client = app.test_client()
    reference = client.get(f"/verify/{format_code(new_code())}")
    response = client.get(f"/verify/{make()}")
    assert response.status_code == reference.status_code == 404
    assert _normalised(response) == _normalised(reference)
    for name, value in VERIFY_HEADERS.items():
        assert response.headers[name] == value
    with app.app_context():  # and the table is still there (SQL meta characters)
        assert db.session.query(Certificate).count() == 1


def test_unknown_and_malformed_codes_take_the_same_time_CERT3(database_url, tmp_path, clock):
    """Both do the same single query; interleaved medians within a factor of two."""
    app = make_test_app(database_url, tmp_path, clock, VERIFY_LIMIT_PER_IP="100000")
    with app.app_context():
        reset_database()
    client = app.test_client()
    paths = {"unknown": lambda: f"/verify/{format_code(new_code())}", "malformed": lambda: "/verify/x"}
    times: dict[str, list[float]] = {"unknown": [], "malformed": []}
    for round_ in range(41):
        for kind, path in paths.items():
            start = time.perf_counter()
            assert client.get(path()).status_code == 404
            if round_:  # the first round warms up
                times[kind].append(time.perf_counter() - start)
    ratio = statistics.median(times["unknown"]) / statistics.median(times["malformed"])
    assert 0.5 < ratio < 2
    with app.app_context():
        db.engine.dispose()


def test_lookups_are_rate_limited_per_ip_in_the_database_CERT3(database_url, tmp_path, clock):
    """Two app instances (two workers) share the counter; the window ends; other IPs unaffected."""
    first = make_test_app(database_url, tmp_path, clock, VERIFY_LIMIT_PER_IP="6")
    second = make_test_app(database_url, tmp_path, clock, VERIFY_LIMIT_PER_IP="6")
    with first.app_context():
        reset_database()
    statuses = []
    for index in range(8):
        app = first if index % 2 else second
        statuses.append(app.test_client().get(f"/verify/{format_code(new_code())}").status_code)
    assert statuses == [404] * 6 + [429, 429]
    throttled = second.test_client().get("/verify/ABCD")
    assert throttled.headers["X-Robots-Tag"] == "noindex, nofollow"
    other_ip = first.test_client().get("/verify/ABCD", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other_ip.status_code == 404
    clock.advance(minutes=11)
    assert first.test_client().get("/verify/ABCD").status_code == 404
    for app in (first, second):
        with app.app_context():
            db.engine.dispose()


def test_wrong_surnames_count_and_valid_lookups_do_not_CERT3(database_url, tmp_path, clock, make_learner):
    """Guessing is what the limit stops: wrong surnames count, reading a valid code does not;
    once an IP is over the limit even a valid code answers 429 (nothing is revealed)."""
    app = make_test_app(database_url, tmp_path, clock, VERIFY_LIMIT_PER_IP="3")
    with app.app_context():
        reset_database()
    from course.accounts.services import Registration, register

    with app.app_context():
        user = register(
            db.session,
            Registration(
                "s@example.org", "Олена Петренко", "correct horse battery staple", "police", "lviv", None, "uk"
            ),
            clock(),
        )
        db.session.commit()
        user_id = user.id
    _id, code = issue_directly(app, user_id)
    client = app.test_client()
    url = f"/verify/{format_code(code)}"
    assert [client.get(url).status_code for _ in range(10)] == [200] * 10
    for guess in ("Іваненко", "Коваль", "Шевченко"):
        token = csrf_token(client, url + "?confirm=name")
        assert client.post(url, data={"surname": guess, "csrf_token": token}).status_code == 200
    assert client.get(url).status_code == 429
    right = client.post(url, data={"surname": "Петренко", "csrf_token": "x"})
    assert right.status_code in (400, 429) and "Олена Петренко" not in right.get_data(as_text=True)
    with app.app_context():
        db.engine.dispose()


def test_thirty_bad_codes_are_throttled_by_default_CERT3(app):
    client = app.test_client()
    statuses = [client.get(f"/verify/{format_code(new_code())}").status_code for _ in range(30)]
    assert statuses[0] == 404 and statuses[-1] == 429


def test_revoked_certificate_shows_reason_without_name_CERT4(app, holder, make_admin):
    _user, certificate_id, code = holder
    admin = make_admin()
    with app.app_context():
        from course.accounts.models import User

        certificate = db.session.get(Certificate, certificate_id)
        manage.revoke(
            db.session, db.session.get(User, admin.id), certificate, "Issued by mistake", app.config["CLOCK"]()
        )
        db.session.commit()
    client = app.test_client()
    url = f"/verify/{format_code(code)}"
    page = client.get(url).get_data(as_text=True)
    assert state_of(page) == "revoked" and "Issued by mistake" in page
    assert "О. П" not in page and "Петренко" not in page
    confirmed = client.post(url, data={"surname": "Петренко", "csrf_token": csrf_token(client, url + "?confirm=name")})
    assert "Петренко" not in confirmed.get_data(as_text=True)


def test_expired_certificate_says_so(app, make_learner, clock):
    user = make_learner()
    _id, code = issue_directly(app, user.id, expires_at=clock() + timedelta(days=30))
    client = app.test_client()
    assert state_of(client.get(f"/verify/{code}").get_data(as_text=True)) == "valid"
    clock.advance(days=31)
    assert state_of(client.get(f"/verify/{code}").get_data(as_text=True)) == "expired"


def test_reissued_certificate_shows_superseded_and_the_new_one_valid(app, holder, make_admin):
    _user, certificate_id, code = holder
    admin = make_admin()
    with app.app_context():
        from course.accounts.models import User
        from course.certificates.views import current_settings

        new = manage.reissue(
            db.session,
            db.session.get(User, admin.id),
            db.session.get(Certificate, certificate_id),
            current_settings(),
            app.config["CLOCK"](),
        )
        db.session.commit()
        new_code_value = new.code
    client = app.test_client()
    assert new_code_value != code
    assert state_of(client.get(f"/verify/{code}").get_data(as_text=True)) == "superseded"
    assert state_of(client.get(f"/verify/{new_code_value}").get_data(as_text=True)) == "valid"


def test_qr_url_comes_from_base_url_not_the_host_header_CSRF4(app, make_learner, tmp_path):
    """(b)§7: a valid code with Host: evil.example; the stored PDF names BASE_URL only."""
    user = make_learner()
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        _id, code = issue_directly(app, user.id)
    [certificate] = certificates(app, user.id)
    text = pdf_text(write_pdf(tmp_path, certificate.pdf))
    assert f"{app.config['BASE_URL']}/verify/{format_code(code)}" in text
    assert "evil.example" not in text


def test_a_revocation_by_another_worker_shows_at_once_on_a_kept_page_CERT4(app, holder):
    """The page and the lookup are kept per process; a commit anywhere drops them."""
    from tests.integration.test_read_cache import other_worker_runs

    _user, certificate_id, code = holder
    client = app.test_client()
    url = f"/verify/{format_code(code)}"
    assert [state_of(client.get(url).get_data(as_text=True)) for _ in range(3)] == ["valid"] * 3
    other_worker_runs(
        app,
        "UPDATE certificate SET revoked_at = CURRENT_TIMESTAMP, revoked_reason = 'Fraud' WHERE id = :id",
        id=certificate_id,
    )
    page = client.get(url).get_data(as_text=True)
    assert state_of(page) == "revoked" and "Fraud" in page


def test_visitors_of_a_kept_page_each_get_their_own_token_CSRF1(app, holder):
    _user, _id, code = holder
    url = f"/verify/{format_code(code)}"
    first, second = app.test_client(), app.test_client()
    first_token, second_token = csrf_token(first, url + "?confirm=name"), csrf_token(second, url + "?confirm=name")
    assert first_token != second_token
    assert first.post(url, data={"surname": "Петренко", "csrf_token": second_token}).status_code == 400
    confirmed = first.post(url, data={"surname": "Петренко", "csrf_token": first_token})
    assert confirmed.status_code == 200 and "Олена Петренко" in confirmed.get_data(as_text=True)


def test_the_page_a_qr_code_opens_sets_no_cookie_and_has_no_form(app, holder):
    """A verifier who scans the code gets the answer without a session or a cookie."""
    _user, _id, code = holder
    client = app.test_client()
    response = client.get(f"/verify/{format_code(code)}")
    assert "Set-Cookie" not in response.headers
    page = response.get_data(as_text=True)
    assert "<form" not in page and 'name="csrf_token"' not in page
    assert f'href="/verify/{format_code(code)}?confirm=name"' in page


def test_language_links_show_the_page_in_english_without_storing_anything(app, holder):
    _user, _id, code = holder
    client = app.test_client()
    url = f"/verify/{format_code(code)}"
    assert 'href="' + url + '?lang=en"' in client.get(url).get_data(as_text=True)
    english = client.get(url + "?lang=en")
    assert "Set-Cookie" not in english.headers
    page = english.get_data(as_text=True)
    assert '<html lang="en">' in page and "Check a certificate" in page
    assert f'href="{url}?confirm=name&amp;lang=en"' in page
    assert '<html lang="uk">' in client.get(url).get_data(as_text=True)  # nothing was stored
