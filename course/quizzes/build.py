"""Turn checked quiz files (one per language) into a frozen Quiz, rendering Markdown once.

Core module: standard library, course.markdown and this package's core. Only called on files
without problems; a crash inside the Markdown library still becomes a problem, not a traceback.
Feedback is rendered on first use (course/quizzes/deferred.py); `render_feedback` renders it
all at once for the checks that must list every problem before learners see anything.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from course.content.images import image_lines
from course.content.links import MISSING_FILE, CourseFiles, link_problem, module_files, resolve_file_link
from course.content.paths import lesson_path, page_path
from course.content.types import Module
from course.markdown import internal_links, is_course_file, render_markdown
from course.problems import N_, Problem
from course.quizzes.deferred import Pending, RenderedLater, render_all
from course.quizzes.parser import OptionDraft, QuestionDraft
from course.quizzes.typed import build_accepted
from course.quizzes.types import TYPED_KINDS, Case, Option, Question, Quiz, QuizSettings

if TYPE_CHECKING:
    from course.quizzes.loader import QuizFile

SINGLE_PARAGRAPH = re.compile(r"^<p>(?P<inner>.*)</p>$", re.DOTALL)


def check_links(quiz_file: QuizFile, module_id: str | None, modules: dict[str, Module]) -> None:
    """`lesson:` links, and relative links to module files, must point at a lesson or module that
    exists (feedback often sends learners back)."""
    files: CourseFiles | None = None
    for line, target in internal_links(quiz_file.variant.source.text):
        if is_course_file(target):
            files = module_files(modules.values()) if files is None else files
            if (found := link_problem(quiz_file.path, target, files)) is not None:
                message = N_("the link '{target}' points to no module file: from a quiz, link to modules and lessons")
                quiz_file.add(line, found[0] if found[0] != MISSING_FILE else message, **found[1])
            continue
        if not target.startswith("lesson:"):
            continue
        full = _qualify(target, module_id)
        mod, _, lesson = full[len("lesson:") :].partition("/")
        if mod not in modules or modules[mod].lesson(lesson) is None:
            message = N_("the link '{target}' points to a lesson that does not exist")
            quiz_file.add(line, message, target=target)
    for line in image_lines(quiz_file.variant.source.text):  # the renderer would drop them silently
        quiz_file.add(line, N_("quizzes cannot show images yet: say in words what the learner needs to see"))


def _qualify(target: str, module_id: str | None) -> str:
    if target.startswith("lesson:") and "/" not in target and module_id:
        return f"lesson:{module_id}/{target[len('lesson:') :]}"
    return target


class _Renderer:
    def __init__(self, module_id: str | None, path: str = "", files: CourseFiles | None = None) -> None:
        self.module_id, self.path, self.files = module_id, path, files or {}

    def resolve(self, target: str) -> str | None:
        if is_course_file(target):
            return resolve_file_link(self.path, target, self.files)
        full = _qualify(target, self.module_id)
        if full.startswith("lesson:"):
            mod, _, lesson = full[len("lesson:") :].partition("/")
            return lesson_path(mod, lesson)
        return page_path(full[len("page:") :])

    def block(self, text: str) -> str:
        return render_markdown(text, self.resolve) if text.strip() else ""

    def later(self, text: str, line: int) -> str | Pending:
        """Feedback: rendered when first read (an empty text is "" at once)."""
        return Pending(text, self.block, self.path, line) if text.strip() else ""

    def inline(self, text: str) -> str:
        """A title or option label: one paragraph, without the <p> around it."""
        html = self.block(text).strip()
        match = SINGLE_PARAGRAPH.match(html)
        return match["inner"] if match and "<p>" not in match["inner"] else html


def settings_from(fields: dict) -> QuizSettings:
    return QuizSettings(
        pass_mark=fields["pass_mark"],
        draw=fields["draw"],
        shuffle_questions=fields["shuffle_questions"],
        shuffle_options=fields["shuffle_options"],
        max_attempts=fields["max_attempts"],
        cooldown_minutes=fields["cooldown_minutes"],
        grading=fields["grading"],
        review=fields["review"],
        draw_per_module=fields["draw_per_module"],
    )


def build_quiz(by_lang: dict[str, QuizFile], digest: str, modules: dict[str, Module]) -> Quiz | None:
    """The Quiz for checked files, or None (with a problem) if rendering fails."""
    uk = by_lang["uk"]
    fields = uk.variant.fields
    files = module_files(modules.values())
    try:
        rendered = {
            lang: _render_file(f, _Renderer(fields.get("module"), f.path, files)) for lang, f in by_lang.items()
        }
    except (RecursionError, ValueError, TypeError, IndexError, KeyError) as exc:
        message = N_("this text could not be rendered ({error})")
        uk.add(uk.variant.body_line, message, error=type(exc).__name__)
        return None
    questions = tuple(_question(i, by_lang, rendered, fields["id"]) for i in range(len(uk.body.questions)))
    return Quiz(
        id=fields["id"],
        title={lang: f.variant.fields["title"] for lang, f in by_lang.items()},
        intro_html={lang: r["intro"] for lang, r in rendered.items()},
        settings=settings_from(fields),
        questions=questions,
        content_hash=digest,
        module_id=None if fields["final"] else fields["module"],
        is_final=bool(fields["final"]),
        paths=tuple(f.path for f in by_lang.values()),
    )


def _render_file(quiz_file: QuizFile, r: _Renderer) -> dict:
    body = quiz_file.body
    return {
        "intro": r.block(body.intro),
        "cases": {c.id: (r.inline(c.title), r.block(c.body)) for c in body.cases},
        "questions": [_render_question(q, r) for q in body.questions],
    }


def _render_question(q: QuestionDraft, r: _Renderer) -> dict:
    typed = q.kind in TYPED_KINDS  # a typed question's answers keep plain strings: rendered now
    return {
        "title": r.inline(q.title),
        "html": r.block(q.body),
        "general": r.later(q.general_feedback, q.line),
        "options": [
            (r.inline(o.text), r.block(o.feedback) if typed else r.later(o.feedback, o.line), _left(o, r))
            for o in q.options
        ],
    }


def _left(option: OptionDraft, r: _Renderer) -> str:
    return r.inline(option.left) if option.left else ""


def _question(index: int, by_lang: dict[str, QuizFile], rendered: dict, quiz_id: str) -> Question:
    draft = by_lang["uk"].body.questions[index]
    per_lang = {lang: rendered[lang]["questions"][index] for lang in by_lang}
    case = None
    if draft.case:
        case = Case(
            draft.case,
            {lang: rendered[lang]["cases"][draft.case][0] for lang in by_lang},
            {lang: rendered[lang]["cases"][draft.case][1] for lang in by_lang},
        )
    typed = _typed(index, by_lang, per_lang) if draft.kind in TYPED_KINDS else {}
    return Question(
        id=draft.id,
        kind=draft.kind,
        points=draft.points,
        title={lang: per_lang[lang]["title"] for lang in by_lang},
        html={lang: per_lang[lang]["html"] for lang in by_lang},
        options=() if draft.kind in TYPED_KINDS else _options(draft, per_lang),
        general_feedback_html=RenderedLater({lang: per_lang[lang]["general"] for lang in by_lang}),
        case=case,
        quiz_id=quiz_id,
        accepted={lang: answers for lang, (answers, _) in typed.items()},
        other_feedback_html={lang: other for lang, (_, other) in typed.items()},
    )


def _options(draft: QuestionDraft, per_lang: dict[str, dict]) -> tuple[Option, ...]:
    return tuple(
        Option(
            id=o.id,
            html={lang: rendered["options"][i][0] for lang, rendered in per_lang.items()},
            feedback_html=RenderedLater({lang: rendered["options"][i][1] for lang, rendered in per_lang.items()}),
            is_correct=o.mark == "x",
            left_html={lang: rendered["options"][i][2] for lang, rendered in per_lang.items()} if o.left else {},
        )
        for i, o in enumerate(draft.options)
    )


def _typed(index: int, by_lang: dict[str, QuizFile], per_lang: dict[str, dict]) -> dict[str, tuple]:
    """Each language's own accepted answers (short-answer lists differ by language)."""
    return {
        lang: build_accepted(f.body.questions[index], [o[1] for o in per_lang[lang]["options"]])
        for lang, f in by_lang.items()
    }


def render_feedback(quizzes: dict[str, Quiz]) -> tuple[dict[str, Quiz], list[Problem]]:
    """Render every quiz's feedback now: the quizzes whose feedback all rendered, and the
    problems of the others (as a crash while building would have been reported)."""
    kept: dict[str, Quiz] = {}
    problems: list[Problem] = []
    for quiz_id, quiz in quizzes.items():
        found = [p for q in quiz.questions for texts in _feedback_of(q) for p in render_all(texts)]
        problems += found
        if not found:
            kept[quiz_id] = quiz
    return kept, problems


def _feedback_of(question: Question) -> list:
    return [question.general_feedback_html, *(option.feedback_html for option in question.options)]
