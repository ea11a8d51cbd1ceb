"""The directory's and the news's figures of the yearly report: counted over the
calendar year in Polish time (31 December 23:30 counts in that year; 1 January
00:30 — still 31 December in UTC — in the next one)."""

import pytest
from django.utils import translation

from cwop_portal.history import change_record
from organizations import figures
from organizations.models import NewsPost, Organization
from tests.factories import local
from tests.organizations.factories import NewsPostFactory, OrganizationFactory


@pytest.fixture(autouse=True)
def in_english():
    """The labels are lazy translations: read in English here."""
    with translation.override("en"):
        yield


def rows(section):
    return {str(row.label): row.value for row in section.rows}


def table(section, index=0):
    return {str(row.label): row.values for row in section.tables[index].rows}


@pytest.mark.django_db
def test_directory_counts_the_organisations_published_at_the_end_of_the_year(
    django_assert_num_queries,
):
    OrganizationFactory(
        published_at=local(2025, 12, 31, 23, 30),
        legal_form=Organization.LegalForm.FOUNDATION,
        is_opp=True,
    )
    OrganizationFactory(published_at=local(2026, 1, 1, 0, 30))  # the next year
    OrganizationFactory(published_at=local(2024, 5, 1))  # earlier, still published
    archived_in_year = OrganizationFactory(
        published_at=local(2024, 5, 1), status=Organization.Status.ARCHIVED
    )
    change_record(archived_in_year, user=None, action="archived", at=local(2025, 6, 1))
    archived_later = OrganizationFactory(
        published_at=local(2024, 5, 1), status=Organization.Status.ARCHIVED, is_opp=True
    )
    change_record(archived_later, user=None, action="archived", at=local(2026, 1, 1, 0, 30))
    OrganizationFactory(status=Organization.Status.DRAFT, published_at=None)

    with django_assert_num_queries(2):
        section = figures.directory(2025)

    assert rows(section) == {
        "Organisations in the directory at the end of the year": 3,
        "Organisations added to the directory in the year": 1,
        "Public benefit organisations (OPP) in the directory": 2,
    }
    by_form = table(section)
    assert by_form["foundation"] == (1, 1)
    assert by_form["association"] == (2, 1)
    assert by_form["initiative group"] == (0, 0)
    assert rows(figures.directory(2026))["Organisations added to the directory in the year"] == 1
    assert (
        rows(figures.directory(2024))["Organisations in the directory at the end of the year"] == 3
    )


@pytest.mark.django_db
def test_news_counts_the_posts_and_funding_calls_published_in_the_year(
    django_assert_num_queries,
):
    NewsPostFactory(published_at=local(2025, 1, 1, 0, 0))
    NewsPostFactory(published_at=local(2025, 12, 31, 23, 30), category=NewsPost.Category.FUNDING)
    NewsPostFactory(published_at=local(2026, 1, 1, 0, 30), category=NewsPost.Category.FUNDING)
    NewsPostFactory(published_at=local(2024, 12, 31, 23, 59))
    NewsPostFactory(published_at=None, status=NewsPost.Status.DRAFT)
    NewsPostFactory(
        published_at=local(2025, 3, 1),
        status=NewsPost.Status.REJECTED,
        rejection_reason="Nie dotyczy NGO.",
    )

    with django_assert_num_queries(1):
        section = figures.news(2025)

    assert rows(section) == {
        "News posts published (all categories)": 2,
        "Funding calls published": 1,
    }
    assert table(section)["funding call"] == (1,)
    assert table(section)["announcement"] == (1,)
