"""reports: one narrow row per question of each graded attempt, one per learner and quiz
version summing their graded attempts, one per learner and module listing the lessons read,
all filled from what was stored before

Revision ID: i13_answer_rows
Revises: i12d_revision_sha256
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "i13_answer_rows"
down_revision = "i12d_revision_sha256"
branch_labels = None
depends_on = None

INDEX_COLUMNS = [
    "content_hash",
    "attempt_no",
    "position",
    "user_id",
    "question_id",
    "score",
    "attempt_score",
    "attempt_percent",
    "lang",
    "chosen",
]
CHUNK = 2000


def upgrade():
    answer = op.create_table(
        "quiz_answer",
        sa.Column("attempt_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("attempt_no", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("lang", sa.String(length=8), nullable=True),
        sa.Column("score", sa.Double(), nullable=False),
        sa.Column("attempt_score", sa.Double(), nullable=False),
        sa.Column("attempt_percent", sa.Double(), nullable=False),
        sa.Column("chosen", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["quiz_attempt.id"],
            name=op.f("fk_quiz_answer_attempt_id_quiz_attempt"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", "question_id", name=op.f("pk_quiz_answer")),
    )
    _backfill(op.get_bind(), answer)
    op.create_index("ix_quiz_answer_items", "quiz_answer", INDEX_COLUMNS, unique=False)
    learner = op.create_table(
        "quiz_learner",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("quiz_id", sa.String(length=64), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("first_started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("tries_to_pass", sa.Integer(), nullable=True),
        sa.Column("passed_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("user_id", "quiz_id", "content_hash", name=op.f("pk_quiz_learner")),
    )
    op.execute(learner.insert().from_select(LEARNER_COLUMNS, _summaries()))
    modules = op.create_table(
        "module_learner",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("lessons", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("user_id", "module_id", name=op.f("pk_module_learner")),
    )
    _module_rows(op.get_bind(), modules)


def _module_rows(connection, modules) -> None:
    """Each learner's lessons read per module, space-separated, a range of learners at a time."""
    read = sa.table("lesson_read", *(sa.column(name) for name in ("id", "user_id", "module_id", "lesson_id")))
    top = connection.execute(sa.select(sa.func.max(read.c.user_id))).scalar() or 0
    query = sa.select(read.c.user_id, read.c.module_id, read.c.lesson_id).order_by(read.c.user_id, read.c.id)
    for low in range(0, top, CHUNK):
        lessons: dict[tuple, list[str]] = {}
        chunk = query.where(read.c.user_id > low, read.c.user_id <= low + CHUNK)
        for user_id, module_id, lesson_id in connection.execute(chunk):
            lessons.setdefault((user_id, module_id), []).append(lesson_id)
        rows = [{"user_id": u, "module_id": m, "lessons": " ".join(ids)} for (u, m), ids in lessons.items()]
        if rows:
            connection.execute(modules.insert(), rows)


LEARNER_COLUMNS = ["user_id", "quiz_id", "content_hash", "attempts", "first_started_at", "tries_to_pass", "passed_at"]


def _summaries():
    """Each learner's graded attempts at each quiz version: how many, the first start, and the
    number (in the order started) and finish of the first that passed."""
    attempt = sa.table(
        "quiz_attempt",
        *(sa.column(name) for name in ("id", "user_id", "quiz_id", "content_hash", "status", "is_practice")),
        *(sa.column(name) for name in ("started_at", "finished_at", "is_passed")),
    )
    number = sa.func.row_number().over(
        partition_by=(attempt.c.user_id, attempt.c.quiz_id, attempt.c.content_hash),
        order_by=(attempt.c.started_at, attempt.c.id),
    )
    ranked = (
        sa.select(*(attempt.c[name] for name in ("user_id", "quiz_id", "content_hash", "started_at")))
        .add_columns(attempt.c.finished_at, attempt.c.is_passed, number.label("n"))
        .where(attempt.c.status == "finished", attempt.c.is_practice == sa.false())
        .subquery()
    )
    r = ranked.c
    passed = r.is_passed == sa.true()
    return sa.select(
        r.user_id,
        r.quiz_id,
        r.content_hash,
        sa.func.count(),
        sa.func.min(r.started_at),
        sa.func.min(sa.case((passed, r.n))),
        sa.func.min(sa.case((passed, r.finished_at))),
    ).group_by(r.user_id, r.quiz_id, r.content_hash)


def _backfill(connection, answer) -> None:
    """Rows for every graded attempt finished before this revision, a chunk at a time (by id).

    The same rows `course/quizzes/answers.py` builds at grading, written out here so this
    migration never changes when that module does."""
    attempt = sa.table(
        "quiz_attempt",
        *(sa.column(name) for name in ("id", "user_id", "quiz_id", "content_hash", "lang", "status")),
        *(sa.column(name) for name in ("is_practice", "score", "percent")),
        sa.column("results", sa.JSON()),
        sa.column("answers", sa.JSON()),
    )
    graded = sa.and_(attempt.c.status == "finished", attempt.c.is_practice.is_(False))
    earlier = attempt.alias("earlier")
    number = (
        sa.select(sa.func.count())
        .where(
            earlier.c.user_id == attempt.c.user_id,
            earlier.c.quiz_id == attempt.c.quiz_id,
            earlier.c.status == "finished",
            earlier.c.is_practice.is_(False),
            earlier.c.id <= attempt.c.id,
        )
        .scalar_subquery()
    )
    columns = [attempt.c[name] for name in ("id", "user_id", "content_hash", "lang", "score", "percent")]
    query = sa.select(*columns, number, attempt.c.results, attempt.c.answers).where(graded).order_by(attempt.c.id)
    last = 0
    while True:
        chunk = connection.execute(query.where(attempt.c.id > last).limit(CHUNK)).all()
        if not chunk:
            return
        rows = [row for values in chunk for row in _rows(*values)]
        if rows:
            connection.execute(answer.insert(), rows)
        last = chunk[-1][0]


def _rows(attempt_id, user_id, content_hash, lang, score, percent, number, results, answers):
    results = json.loads(results) if isinstance(results, str) else results or {}
    answers = json.loads(answers) if isinstance(answers, str) else answers or {}
    out = []
    for position, (qid, result) in enumerate(results.items()):
        numerator, _, denominator = str(result[0]).partition("/")
        chosen = (answers.get(qid) or {}).get("chosen") or ()
        out.append(
            {
                "attempt_id": attempt_id,
                "question_id": qid,
                "user_id": user_id,
                "content_hash": content_hash,
                "attempt_no": number,
                "position": position,
                "lang": lang,
                "score": int(numerator) / int(denominator or 1),
                "attempt_score": float(score or 0),
                "attempt_percent": float(percent or 0),
                "chosen": json.dumps(sorted(chosen), separators=(",", ":"), ensure_ascii=False) if chosen else None,
            }
        )
    return out


def downgrade():
    op.drop_table("module_learner")
    op.drop_table("quiz_learner")
    op.drop_index("ix_quiz_answer_items", table_name="quiz_answer")
    op.drop_table("quiz_answer")
