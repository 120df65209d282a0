"""Cohorts of learners, trainers scoped to them, and bulk enrolment from CSV."""
