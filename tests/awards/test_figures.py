"""The competitions' part of the Cooperation Programme's yearly report: the editions
whose nominations closed in the year, the nominations that count, the share accepted in
the formal check, the laureates, mentions and counted votes — in a fixed number of
queries whatever the amount of data."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from awards import figures
from awards.models import Category, Competition, Edition, Nomination, Vote
from cwop_portal import yearly_figures
from tests.factories import local
from tests.organizations.factories import OrganizationFactory

DAY = datetime.timedelta(days=1)


def rows(section):
    return {str(row.label): row.value for row in section.rows}


def edition(competition, year, close, status=Edition.Status.PUBLISHED):
    return Edition.objects.create(
        competition=competition,
        year=year,
        status=status,
        nominations_open=close - 30 * DAY,
        nominations_close=close,
        formal_check_until=close + 7 * DAY,
        jury_until=close + 14 * DAY,
        announcement_at=close + 21 * DAY,
    )


def nomination(edition, category, **fields):
    values = {
        "edition": edition,
        "category": category,
        "nominee_kind": "person",
        "nominee_first_name": "Anna",
        "nominee_last_name": "Nowak",
        "justification": "Pomaga sąsiadom.",
        "nominator_kind": "resident",
        "nominator_name": "Jan Kowalski",
        "nominator_email": "jan@example.com",
        "privacy_consent": True,
        "confirmed_at": edition.nominations_open,
    }
    values.update(fields)
    return Nomination.objects.create(**values)


@pytest.fixture
def year_of_competitions(db):
    competition = Competition.objects.create(
        name_pl="Społeczna Dusza", slug="spoleczna-dusza", nominee_minor=True
    )
    held = edition(competition, 2025, local(2025, 10, 15, 12))
    category = Category.objects.create(edition=held, name_pl="Osoba")
    organization = OrganizationFactory()
    nomination(held, category, status="accepted", award="laureate")
    nomination(held, category, status="accepted", award="mention")
    nomination(
        held,
        category,
        status="accepted",
        nominator_kind="organization",
        nominator_organization=organization,
    )
    nomination(held, category, status="rejected", rejection_reason="Po terminie.")
    nomination(held, category)  # not checked yet
    nomination(held, category, confirmed_at=None)  # never confirmed: does not count
    nomination(  # a young person without the guardian's consent: does not count
        held, category, nominee_kind="minor", school="SP 1", guardian_email="o@example.com"
    )
    voted = nomination(held, category, status="accepted")
    counted = {"category": category, "nomination": voted, "confirmed_at": held.nominations_close}
    Vote.objects.create(email="a@example.com", **counted)
    Vote.objects.create(email="b@example.com", **counted)
    Vote.objects.create(email="c@example.com", category=category, nomination=voted)  # unconfirmed
    Vote.objects.create(
        email="d@example.com", voided_at=held.nominations_close, void_reason="Seria.", **counted
    )
    # Not in 2025: nominations closing in January 2026, and a draft edition.
    later = edition(competition, 2026, local(2026, 1, 5, 12))
    nomination(later, Category.objects.create(edition=later, name_pl="Osoba"))
    other = Competition.objects.create(name_pl="Ośmiu Wspaniałych", slug="osmiu-wspanialych")
    draft = edition(other, 2025, local(2025, 6, 1, 12), status=Edition.Status.DRAFT)
    nomination(draft, Category.objects.create(edition=draft, name_pl="Uczniowie"))


def test_the_figures_of_a_year(year_of_competitions):
    with translation.override("en"):
        section = figures.competitions(2025)
        values = rows(section)
    assert values == {
        "Competition editions (nominations closed in the year)": 1,
        "Nominations": 6,
        "Organisations that nominated": 1,
        "Share of nominations accepted in the formal check": yearly_figures.percent(4, 5),
        "Laureates": 1,
        "Mentions": 1,
        "Public votes counted": 2,
    }


def test_the_figures_take_a_fixed_number_of_queries(year_of_competitions):
    with CaptureQueriesContext(connection) as few:
        figures.competitions(2025)
    competition = Competition.objects.get(slug="spoleczna-dusza")
    for year in range(2000, 2010):
        more = edition(competition, year, local(2025, 3, 1 + year - 2000, 12))
        category = Category.objects.create(edition=more, name_pl="Osoba")
        for _ in range(5):
            nomination(more, category, status="accepted")
    with CaptureQueriesContext(connection) as many:
        figures.competitions(2025)
    assert len(many) == len(few) <= 3


def test_the_competitions_are_in_the_yearly_report_before_the_public_consultations():
    keys = [key for _order, key, _provider in yearly_figures.providers()]
    assert keys.index("competitions") == keys.index("public_consultations") - 1
