"""REL-2(a): migration 0002_quizzes creates exactly the quiz tables the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from course.extensions import db
from tests.conftest import empty_database, make_test_app


def test_upgrade_head_matches_quiz_models_and_downgrades(database_url, tmp_path, clock):
    app = make_test_app(database_url, tmp_path, clock)
    with app.app_context():
        empty_database()
        upgrade()
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diff = [d for d in compare_metadata(context, db.metadata) if "quiz_attempt" in str(d)]
        assert diff == []
        indexes = {i["name"]: i for i in inspect(db.engine).get_indexes("quiz_attempt")}
        assert indexes["uq_quiz_attempt_open"]["unique"]
        downgrade(revision="0001_initial")
        assert "quiz_attempt" not in inspect(db.engine).get_table_names()
        upgrade()
        db.engine.dispose()
