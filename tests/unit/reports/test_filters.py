"""The cohort filter's parsing (OUT-5): only the ids the view offers are accepted, as numbers."""

from __future__ import annotations

import pytest

from course.reports.filters import BadParameter, Filters, parse_filters


def test_a_cohort_among_those_offered_becomes_a_number_and_goes_into_the_csv_header():
    filters = parse_filters({"cohort": "7"}, ("3", "7"))
    assert filters.cohort == 7
    assert filters.as_args()["cohort"] == "7"
    assert filters.without_lang().cohort == 7  # the item analysis drops only the language


@pytest.mark.parametrize("value", ["4", "999999", "7 OR 1=1", "-1", "3.0"])
def test_a_cohort_not_offered_is_refused_whatever_it_looks_like_OUT_5(value):
    with pytest.raises(BadParameter) as refused:
        parse_filters({"cohort": value}, ("3", "7"))
    assert refused.value.name == "cohort"


def test_no_cohort_chosen_counts_everyone_in_scope():
    assert parse_filters({}, ("3",)).cohort is None
    assert parse_filters({"cohort": ""}, ()) == Filters()
    with pytest.raises(BadParameter):
        parse_filters({"cohort": "3"})  # a viewer with no cohorts may not name one
