"""GIFT import and export: Moodle's syntax, unconvertible questions listed, lossless round trip."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from course.content.loader import parse_variant, read_source
from course.quizzes.gift import decode_gift, escape, read_gift
from course.quizzes.gift_convert import gift_to_quiz, import_gift_file, slug
from course.quizzes.gift_export import export_quiz_file, quiz_to_gift
from course.quizzes.loader import QUIZ_FIELDS, load_quizzes, parse_quiz_file
from course.quizzes.parser import parse_body

from .helpers import DATA, GOOD, MODULES

GIFT = DATA / "gift"
# Moodle's question_bank::fraction_options_full(): weights it accepts on import.
MOODLE_FRACTIONS = [
    1.0,
    0.9,
    0.8333333,
    0.8,
    0.75,
    0.7,
    0.6666667,
    0.6,
    0.5,
    0.4,
    0.3333333,
    0.3,
    0.25,
    0.2,
    0.1666667,
    0.1428571,
    0.125,
    0.1111111,
    0.1,
    0.05,
    0.0,
]


def _import(source: Path, tmp_path: Path, name: str = "imported.en.md"):
    return import_gift_file(source, tmp_path / name, module="basics")


def _body(text: str):
    return parse_body(text.split("\n---\n", 1)[1], 1)


def test_gift_features_are_converted(tmp_path):
    result = _import(GIFT / "features.gift", tmp_path)
    assert result.converted == 8
    body = _body(result.text)
    assert body.problems == []
    by_id = {q.id: q for q in body.questions}
    assert [q.kind for q in body.questions] == [
        "single",
        "multiple",
        "truefalse",
        "matching",
        "single",
        "single",
        "shortanswer",
        "numerical",
    ]
    indicators = by_id["indicators"]
    assert "**control**" in indicators.title
    assert [o.mark for o in indicators.options] == ["x", " ", " "]
    assert indicators.options[0].feedback.startswith("Right: withheld documents")
    assert indicators.general_feedback == "Look for who controls documents, money and movement."
    means = by_id["means"]
    assert [o.mark for o in means.options] == ["x", "x", " "]
    consent = by_id["consent"]
    assert [(o.id, o.mark, o.feedback) for o in consent.options] == [
        ("true", "x", "Right: Art. 3(b)."),
        ("false", " ", "Wrong: see Art. 3(b)."),
    ]
    assert consent.general_feedback == "The Protocol says so explicitly."
    elements = by_id["elements"]
    assert [(o.left, o.text) for o in elements.options] == [
        ("Act", "Recruitment"),
        ("Means", "Deception"),
        ("Purpose", "Forced labour"),
        ("", "Tourism"),
    ]
    escapes = by_id["escapes"]
    assert escapes.title == r"Which symbol is \*not\* a GIFT control character?"
    assert [o.text for o in escapes.options] == ["~", "=", "\\\\"]
    assert escapes.options[2].feedback == r"Right: a backslash only escapes the others; 2 { 3 } 4 \# done."
    assert "<b>HTML</b>" in body.questions[5].title


def test_category_becomes_the_title_and_comments_are_ignored(tmp_path):
    result = _import(GIFT / "features.gift", tmp_path)
    assert "title: Screening basics" in result.text
    assert "Every GIFT feature" not in result.text


def test_unconvertible_questions_are_listed_with_file_and_line(tmp_path):
    result = _import(GIFT / "features.gift", tmp_path)
    listed = sorted((p.line, p.render()) for p in result.problems)
    assert [line for line, _ in listed] == [48]
    assert "essay" in listed[0][1]
    assert all(str(p).startswith(f"{p.path}:{p.line}: ") for p in result.problems)


def test_broken_gift_syntax_is_reported_and_the_rest_converted(tmp_path):
    result = _import(GIFT / "broken.gift", tmp_path)
    assert result.converted == 1
    listed = {p.line: p.render() for p in result.problems}
    assert "braces" in listed[1] and "braces" in listed[5]
    assert "at least two answers" in listed[7]
    assert "no answer is marked correct" in listed[9]
    assert "'->'" in listed[13]


@pytest.mark.parametrize(
    "transform",
    [
        lambda raw: b"\xef\xbb\xbf" + raw,
        lambda raw: raw.replace(b"\n", b"\r\n"),
        lambda raw: b"\xef\xbb\xbf" + raw.replace(b"\n", b"\r\n"),
        lambda raw: raw.replace(b"\n", b"\r"),
    ],
)
def test_bom_and_windows_line_endings_import_identically(transform, tmp_path):
    plain = _import(GIFT / "features.gift", tmp_path)
    variant = tmp_path / "variant.gift"
    variant.write_bytes(transform((GIFT / "features.gift").read_bytes()))
    result = _import(variant, tmp_path)
    assert result.text == plain.text
    assert [(p.line, p.message) for p in result.problems] == [(p.line, p.message) for p in plain.problems]


def test_non_utf8_gift_is_refused_with_a_line():
    text, problems = decode_gift("Питання?{=Так ~Ні}".encode("cp1251"), "x.gift")
    assert text is None and problems[0].line == 1 and "UTF-8" in problems[0].render()


def test_output_name_must_carry_quiz_id_and_language(tmp_path):
    result = import_gift_file(GIFT / "features.gift", tmp_path / "quiz.md")
    assert result.text is None and "QUIZ-ID.uk.md" in result.problems[0].render()


@pytest.mark.parametrize("lang", ["uk", "en"])
def test_round_trip_keeps_questions_options_correctness_and_feedback(lang, tmp_path):
    path = GOOD / f"basics.{lang}.md"
    gift, problems, _ = export_quiz_file(path)
    assert problems == []
    (tmp_path / "export.gift").write_text(gift, encoding="utf-8")
    result = import_gift_file(tmp_path / "export.gift", tmp_path / f"basics-quiz.{lang}.md")
    assert result.problems == [] and result.warnings == []
    original = parse_quiz_file(parse_variant(read_source(path)[0], QUIZ_FIELDS, False))
    again = _body(result.text)
    assert again.questions == original.body.questions or _same(again, original.body)
    assert [c.id for c in again.cases] == [c.id for c in original.body.cases]
    assert [(c.title, c.body) for c in again.cases] == [(c.title, c.body) for c in original.body.cases]


def _same(a, b) -> bool:
    def key(body):
        return [
            (
                q.id,
                q.kind,
                q.points,
                q.case,
                q.title,
                q.body,
                q.general_feedback,
                [(o.id, o.mark, o.text, o.left, o.feedback) for o in q.options],
            )
            for q in body.questions
        ]

    assert key(a) == key(b)
    return True


def test_imported_round_trip_loads_cleanly_with_its_translation(tmp_path):
    gift, _, _ = export_quiz_file(GOOD / "basics.en.md")
    (tmp_path / "export.gift").write_text(gift, encoding="utf-8")
    quizzes_dir = tmp_path / "quizzes"
    quizzes_dir.mkdir()
    result = import_gift_file(tmp_path / "export.gift", quizzes_dir / "basics-quiz.en.md")
    (quizzes_dir / "basics-quiz.en.md").write_text(result.text, encoding="utf-8")
    (quizzes_dir / "basics-quiz.uk.md").write_bytes((GOOD / "basics.uk.md").read_bytes())
    quizzes, problems = load_quizzes(quizzes_dir, MODULES)
    assert problems == [] and "basics-quiz" in quizzes


def test_export_reads_back_with_moodle_semantics():
    gift, _, _ = export_quiz_file(GOOD / "basics.en.md")
    items = [i for i in read_gift(gift, "x").items if i.kind not in ("category",)]
    kinds = [i.kind for i in items]
    assert kinds == ["description", "multichoice", "multichoice", "truefalse", "match"]
    multiple = items[1]
    assert not multiple.single
    weights = [a.weight for a in multiple.answers]
    assert weights == [0.5, 0.5, -0.5]
    assert items[3].truth is True


@pytest.mark.parametrize("correct", range(1, 11))
def test_exported_weights_are_ones_moodle_accepts(correct):
    options = "\n".join(
        f"- [{'x' if i < correct else ' '}] Option {i} {{#o{i}}}\n  Why {i}." for i in range(correct + 1)
    )
    body = parse_body(f"## Pick. {{#q type=multiple}}\n\n{options}\n", 1)
    gift, _ = quiz_to_gift({"id": "q", "title": "T"}, body, "x")
    item = [i for i in read_gift(gift, "x").items if i.kind == "multichoice"][0]
    for answer in item.answers:
        assert any(abs(abs(answer.weight) - f) < 0.00001 for f in MOODLE_FRACTIONS)


def test_broken_quiz_file_is_not_exported():
    gift, problems, _ = export_quiz_file(DATA / "broken" / "no-correct.en.md")
    assert gift is None and "no correct option" in problems[0].render()


def test_matching_item_feedback_is_warned_about_on_export(tmp_path):
    text = (
        (GOOD / "basics.en.md")
        .read_text(encoding="utf-8")
        .replace("- Act {#act} => Recruitment", "- Act {#act} => Recruitment\n  Recruiting is an act.")
    )
    path = tmp_path / "basics.en.md"
    path.write_text(text, encoding="utf-8")
    gift, _, warnings = export_quiz_file(path)
    assert len(warnings) == 1 and "matching" in warnings[0].render()
    (tmp_path / "x.gift").write_text(gift, encoding="utf-8")
    result = import_gift_file(tmp_path / "x.gift", tmp_path / "basics-quiz.en.md")
    match = _body(result.text).questions[3]
    assert match.options[0].feedback == "Recruiting is an act."


TEXT = (
    st.text(
        st.characters(
            blacklist_categories=("Cs", "Cc", "Zl", "Zp"),
            blacklist_characters="\ue000\ue001\ue002\ue003\ue004\ue005\ue006\ue007",
        ),
        min_size=1,
        max_size=40,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)


@settings(max_examples=150)
@given(option=TEXT, feedback=TEXT)
def test_escapes_survive_export_and_import(option, feedback):
    """Hypothesis: any option text and feedback come back unchanged through GIFT."""
    if option.startswith(("%", "[")) or option.endswith("}") or "{#" in option:
        return  # text our own format or Moodle's reserves at those places
    gift = f"::n::[markdown]Question?{{\n\t={escape(option)}#{escape(feedback)}\n\t~Other#No.\n}}\n"
    result = gift_to_quiz(read_gift(gift, "x"), "x", "q", "en")
    assert result.problems == []
    items = read_gift(gift, "x").items
    assert items[0].answers[0].text.text == option.strip()
    assert items[0].answers[0].feedback.text == feedback.strip()


def test_slug_transliterates_ukrainian():
    assert slug("Ознаки торгівлі людьми") == "oznaky-torhivli-liudmy"
    assert slug("!!!") == ""


MOODLE_TYPED = GIFT / "moodle-typed.gift"  # Moodle's own examples (question/format/gift)


def test_moodle_short_answer_and_numerical_examples_are_converted(tmp_path):
    result = _import(MOODLE_TYPED, tmp_path)
    assert result.problems == [] and result.converted == 13
    body = _body(result.text)
    assert body.problems == []
    accepted = {q.id: [(o.mark, o.text, o.feedback) for o in q.options] for q in body.questions}
    assert accepted["whos-buried-in-grants-tomb"] == [("=", "no one", ""), ("=", "nobody", ""), ("*", "", "")]
    assert accepted["when-was-ulysses-s-grant-born"][0] == ("=", "1822 ± 1", "")
    assert accepted["what-is-the-value-of-pi-to-3-decimal-2"][0] == ("=", "3.141..3.142", "")
    assert accepted["pi"][0] == ("=", "3.14159 ± 0.0005", "")
    assert accepted["range"][0] == ("=", "1..5", "")
    assert accepted["half"][0] == ("=", "3.5 ± 0.5", "")
    assert accepted["q5"] == [("=", "3 ± 2", ""), ("*", "", "Completely wrong")]
    assert accepted["shortanswer"] == [("=", "Frog", "Good!"), ("*", "", "Completely wrong")]
    assert accepted["jesus-hometown"] == [("=", "Nazareth", "Yes! That's right!"), ("*", "", "")]


def test_partial_credit_and_missing_feedback_of_typed_answers_are_warnings(tmp_path):
    result = _import(MOODLE_TYPED, tmp_path)
    warnings = {(w.line, w.render()) for w in result.warnings}
    assert (20, "the answer 'Nazereth' (75%) is dropped: here an answer earns all the points or none") in warnings
    assert (29, "the answer 'Cat' (50%) is dropped: here an answer earns all the points or none") in warnings
    assert (4, "no feedback for a wrong answer: write it under '- *' before publishing") in warnings
    assert not any(line == 29 and "feedback" in text for line, text in warnings)


def test_moodle_typed_examples_survive_import_export_import(tmp_path):
    first = _import(MOODLE_TYPED, tmp_path, "typed-quiz.en.md")
    (tmp_path / "typed-quiz.en.md").write_text(first.text, encoding="utf-8")
    gift, problems, warnings = export_quiz_file(tmp_path / "typed-quiz.en.md")
    assert problems == [] and gift is not None
    assert "\t=%100%3.141..3.142\n" in gift and "\t~#Completely wrong\n" in gift
    assert "\t=%0%*#Completely wrong\n" in gift and "\t=%100%1822:1\n" in gift
    (tmp_path / "again.gift").write_text(gift, encoding="utf-8")
    second = import_gift_file(tmp_path / "again.gift", tmp_path / "typed-quiz.en.md")
    before, after = _body(first.text).questions, _body(second.text).questions
    assert [(q.id, q.kind, q.title, q.points) for q in after] == [(q.id, q.kind, q.title, q.points) for q in before]
    assert [[(o.mark, o.text, o.feedback) for o in q.options] for q in after] == [
        [(o.mark, o.text, o.feedback) for o in q.options] for q in before
    ]


def test_export_of_a_file_import_just_wrote_warns_about_missing_feedback(tmp_path):
    gift = "::Elements::Match each element.{=Act -> Recruitment =Means -> Deception =Purpose -> Forced labour}\n"
    (tmp_path / "m.gift").write_text(gift, encoding="utf-8")
    written = import_gift_file(tmp_path / "m.gift", tmp_path / "match-quiz.en.md", module="basics")
    assert [w.render() for w in written.warnings] == [
        "some options have no feedback: write it before publishing ('content check' lists them)"
    ]
    (tmp_path / "match-quiz.en.md").write_text(written.text, encoding="utf-8")
    exported, problems, warnings = export_quiz_file(tmp_path / "match-quiz.en.md")
    assert problems == [] and exported is not None and "=Act -> Recruitment" in exported
    heading = next(n for n, line in enumerate(written.text.split("\n"), start=1) if line.startswith("## "))
    assert [(w.line, "needs feedback" in w.render()) for w in warnings] == [(heading, True)]


def test_export_still_refuses_a_file_with_other_problems(tmp_path):
    gift, problems, warnings = export_quiz_file(DATA / "broken" / "missing-feedback.en.md")
    assert gift is not None and problems == [] and "'that' has no feedback" in warnings[0].render()
    gift, problems, _ = export_quiz_file(DATA / "broken" / "two-correct-single.en.md")
    assert gift is None and problems
