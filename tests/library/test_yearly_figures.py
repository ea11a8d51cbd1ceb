"""The library's figures of the yearly report: loans made in the calendar year
(Polish time) and the readers who borrowed."""

import datetime

import pytest
from django.utils import translation

from library import figures
from tests.factories import UserFactory, local
from tests.library.factories import CopyFactory, LoanFactory


@pytest.fixture(autouse=True)
def in_english():
    """The labels are lazy translations: read in English here."""
    with translation.override("en"):
        yield


def rows(section):
    return {str(row.label): row.value for row in section.rows}


@pytest.mark.django_db
def test_loans_and_readers_of_the_year(django_assert_num_queries):
    anna, jan = UserFactory(), UserFactory()

    def loan(reader, lent_at):
        return LoanFactory(
            copy=CopyFactory(),
            borrower=reader,
            lent_at=lent_at,
            due_on=lent_at.date() + datetime.timedelta(days=30),
            returned_at=lent_at + datetime.timedelta(days=3),
        )

    loan(anna, local(2025, 12, 31, 23, 30))
    loan(anna, local(2025, 1, 1, 0, 10))
    loan(jan, local(2025, 7, 1, 12))
    loan(jan, local(2026, 1, 1, 0, 30))  # the next year (still 2025 in UTC)
    loan(jan, local(2024, 12, 31, 23, 50))

    with django_assert_num_queries(1):
        section = figures.loans(2025)

    assert rows(section)["Loans"] == 3
    assert rows(section)["Readers who borrowed"] == 2
