"""Quizzes: plain-text quiz files, drawing, scoring, attempts, review, retakes, GIFT import/export.

Core modules (no Flask, no database): types, parser, writer, loader, question_types, scoring,
drawing, rules, snapshot, gift. Persistence and web: models, services, forms, views, cli.
"""
