"""REL-2(d): a learner's journey as a locust virtual user, through the real forms, on 127.0.0.1.

Each loop logs in as the next pre-created learner (bench/load.py made them: every module done
but one), reads that module's lessons and marks each read, takes and passes its quiz (the
submit issues the certificate), opens "My certificates", downloads the PDF and logs out. CSRF
tokens come from the hidden `csrf_token` fields of the pages, as a browser sends them back.

Runs in locust's own venv (.venv-load): standard library and locust only, never `course`.
The plan (learners, password, answer key) is the JSON file named by FRONTLINE_LOAD_PLAN.
"""

from __future__ import annotations

import itertools
import json
import os
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from locust import FastHttpUser, between, task
from locust.exception import StopUser

PLAN = json.loads(Path(os.environ["FRONTLINE_LOAD_PLAN"]).read_text(encoding="utf-8"))
LEARNERS = itertools.count()  # one process: every virtual user takes the next unused learner
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
PDF_LINK = re.compile(r"^/certificates/[^/]+\.pdf$")


class Abandoned(Exception):
    """A step answered other than a browser expects: the failure is recorded, the loop ends."""


class Form:
    def __init__(self, action: str, form_id: str) -> None:
        self.action, self.id = action, form_id
        self.hidden: list[tuple[str, str]] = []
        self.choices: dict[str, list[str]] = {}  # radio and checkbox name -> values
        self.selects: dict[str, list[list[str]]] = {}  # select name -> [value, text]
        self.buttons: list[tuple[str, str]] = []


class Page(HTMLParser):
    """What the journey needs from a page: its links and its forms' fields and buttons."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._option: list[str] | None = None
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])
        elif tag == "form":
            self._form = Form(a.get("action", ""), a.get("id", ""))
            self.forms.append(self._form)
        elif self._form is None:
            return
        elif tag == "input" and a.get("type") == "hidden":
            self._form.hidden.append((a.get("name", ""), a.get("value", "")))
        elif tag == "input" and a.get("type") in ("radio", "checkbox"):
            self._form.choices.setdefault(a.get("name", ""), []).append(a.get("value", ""))
        elif tag == "button" and a.get("name"):
            self._form.buttons.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self._select = a.get("name", "")
            self._form.selects[self._select] = []
        elif tag == "option" and self._select is not None:
            self._option = [a.get("value", ""), ""]
            self._form.selects[self._select].append(self._option)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "option":
            self._option = None

    def handle_data(self, data: str) -> None:
        if self._option is not None:
            self._option[1] += data

    def form(self, action_suffix: str = "", form_id: str = "") -> Form:
        for form in self.forms:
            if (form_id and form.id == form_id) or (action_suffix and form.action.endswith(action_suffix)):
                return form
        raise Abandoned(f"no form {form_id or action_suffix} on the page")


def answers(form: Form, key: dict[str, dict]) -> list[tuple[str, str]]:
    """The right answers for the questions on this page, from the plan's key (QUIZ-1 hides them)."""
    fields = []
    for name, values in form.choices.items():
        right = [v for v in key.get(name.removeprefix("q."), {}).get("choose", []) if v in values]
        fields += [(name, v) for v in right or values[:1]]
    for name, options in form.selects.items():
        _, question_id, prompt_id = name.split(".", 2)
        texts = key.get(question_id, {}).get("match", {}).get(prompt_id, [])
        chosen = [value for value, text in options if value and " ".join(text.split()) in texts]
        fields.append((name, (chosen or [o[0] for o in options if o[0]])[0]))
    return fields


def local(location: str) -> str:
    parts = urlsplit(location)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class Learner(FastHttpUser):
    wait_time = between(float(PLAN["think"][0]), float(PLAN["think"][1]))  # between pages, like a reader

    def on_start(self) -> None:
        self.loops = 0

    @task
    def journey(self) -> None:
        self.loops += 1
        index = next(LEARNERS)
        if self.loops > PLAN["loops"] or index >= len(PLAN["learners"]):
            raise StopUser()
        email, module_id = PLAN["learners"][index]
        self.client.cookiejar.clear()
        try:
            self.log_in(email)
            quiz_path = self.read_module(module_id)
            self.take_quiz(quiz_path)
            page = self.open_certificates()
            self.send("POST", "/logout", "/logout", 302, page.form("/logout").hidden)
        except Abandoned:
            return

    def send(self, method: str, path: str, name: str, expect: int, data=None):
        """One request, redirects not followed (each is its own figure); Abandoned unless `expect`."""
        body = urlencode(data) if data is not None else None
        with self.client.request(
            method,
            path,
            name=name,
            data=body,
            headers=FORM if body else None,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == expect:
                response.success()
                return response
            response.failure(f"{response.status_code} instead of {expect}")
        raise Abandoned(name)

    def view(self, path: str, name: str) -> Page:
        self.wait()
        return Page(self.send("GET", path, name, 200).text or "")

    def log_in(self, email: str) -> None:
        form = self.view("/login", "/login").form("/login")
        fields = [*form.hidden, ("email", email), ("password", PLAN["password"])]
        self.send("POST", "/login", "/login", 302, fields)
        self.view("/dashboard", "/dashboard")

    def read_module(self, module_id: str) -> str:
        """Every lesson of the module, each marked read by its form; return the quiz's path."""
        module = self.view(f"/modules/{module_id}", "/modules/[module]")
        lessons = [h for h in module.links if h.startswith(f"/modules/{module_id}/") and h.count("/") == 3]
        if not lessons:
            raise Abandoned("no lessons on the module page")
        path = lessons[0]
        while path.startswith(f"/modules/{module_id}/"):
            lesson = self.view(path, "/modules/[module]/[lesson]")
            read = lesson.form("/read")
            response = self.send("POST", read.action, "/modules/[module]/[lesson]/read", 302, read.hidden)
            path = local(response.headers["Location"])
        module = self.view(path, "/modules/[module]")
        return next(h for h in module.links if h.startswith("/quizzes/"))

    def take_quiz(self, quiz_path: str) -> None:
        key = PLAN["answers"][quiz_path.rsplit("/", 1)[-1]]
        start = self.view(quiz_path, "/quizzes/[quiz]").form("/start")
        response = self.send("POST", start.action, "/quizzes/[quiz]/start", 303, start.hidden)
        location = local(response.headers["Location"])
        for _page in range(20):
            form = self.view(location, "/attempts/[attempt]").form(form_id="attempt")
            action = "next" if ("action", "next") in form.buttons else "submit"
            fields = [*form.hidden, *answers(form, key), ("action", action)]
            response = self.send("POST", form.action, f"/attempts/[attempt] ({action})", 303, fields)
            location = local(response.headers["Location"])
            if location.endswith("/result"):
                break
        with self.client.get(location, name="/attempts/[attempt]/result", catch_response=True) as result:
            if 'class="score passed"' not in (result.text or ""):
                result.failure("the quiz was not passed")
                raise Abandoned("result")

    def open_certificates(self) -> Page:
        self.wait()
        with self.client.get("/certificates", name="/certificates", catch_response=True) as response:
            page = Page(response.text or "")
            pdfs = [h for h in page.links if PDF_LINK.match(h)]
            if not pdfs:
                response.failure("no certificate after the journey")
                raise Abandoned("certificates")
        pdf = self.send("GET", pdfs[0], "/certificates/[code].pdf", 200)
        if not (pdf.content or b"").startswith(b"%PDF"):
            raise Abandoned("the certificate is not a PDF")
        return page
