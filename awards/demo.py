"""Demo data of the awards module (`seed_demo`), every record marked as demo:

- "Społeczna Dusza": last year's edition with its results approved and public
  (laureates and mentions in the categories "Osoba", "Organizacja pozarządowa",
  "Inicjatywa");
- "Ośmiu Wspaniałych": this year's edition OPEN for nominations now (its timeline
  relative to today), with categories, criteria, a jury of two demo accounts and a few
  nominations, a pupil's among them with the guardian's consent;
- "Miejsce Przyjazne Seniorom": an edition with its public vote running and its jury
  (the same two demo accounts) scoring.

Photos are small PNGs drawn here (no network), each with its description.
Idempotent: a competition already there (by address) is left as it is."""

import datetime
import io

from django.core.files.base import ContentFile
from django.utils import timezone

DAY = datetime.timedelta(days=1)
JURORS = [
    ("jurorka-demo@example.com", "Barbara", "Sokołowska"),
    ("juror-demo@example.com", "Tomasz", "Laskowski"),
]


def add_demo_arguments(parser):
    """No size options: the awards demo is a fixed, curated set."""


def _png(colour):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 240), colour).save(buffer, format="PNG")
    return ContentFile(buffer.getvalue())


def _jurors(stdout):
    from allauth.account.models import EmailAddress
    from django.contrib.auth import get_user_model

    from cwop_portal.management.commands.seed_demo import DEMO_PASSWORD

    User = get_user_model()
    users = []
    for email, first_name, last_name in JURORS:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                is_demo=True,
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
            stdout.write(f"Demo juror account {email} (password: {DEMO_PASSWORD}).")
        users.append(user)
    return users


def _edition(competition, year, opened, **extra):
    """An edition whose timeline starts on the day of `opened`, at the hours an office
    keeps: nominations from 8:00 to 16:00 thirty days later, the results at noon, the
    ceremony in the evening."""
    from awards.models import Edition
    from cwop_portal.dates import at, local

    day = local(opened).date()

    def when(days, hour):
        return at(day + days * DAY, datetime.time(hour))

    for name in ("vote_opens", "vote_closes"):
        if extra.get(name) is not None:  # given as days after the opening
            extra[name] = when(extra[name], 8 if name == "vote_opens" else 20)
    return Edition.objects.create(
        competition=competition,
        year=year,
        status=Edition.Status.PUBLISHED,
        nominations_open=when(0, 8),
        nominations_close=when(30, 16),
        formal_check_until=when(40, 16),
        jury_until=when(55, 16),
        announcement_at=when(62, 12),
        ceremony_at=when(70, 17),
        ceremony_ends_at=when(70, 19),
        ceremony_place="Aula Centrum, ul. Przykładowa 1 (demo)",
        is_demo=True,
        **extra,
    )


def _nomination(edition, category, now, **fields):
    from awards.models import Nomination

    values = {
        "edition": edition,
        "category": category,
        "nominee_kind": "person",
        "justification": "Od lat bezinteresownie pomaga sąsiadom (zgłoszenie demonstracyjne).",
        "nominator_kind": "resident",
        "nominator_name": "Krystyna Zawadzka",
        "nominator_email": "zglaszajaca-demo@example.com",
        "privacy_consent": True,
        "confirmed_at": now - 3 * DAY,
        "is_demo": True,
    }
    values.update(fields)
    return Nomination.objects.create(**values)


def _social_soul(now, today, stdout):
    from awards.models import Category, Competition, Criterion, Nomination
    from awards.services.editions import edition_results_approve, nomination_award_set

    if Competition.objects.filter(slug="spoleczna-dusza").exists():
        return
    competition = Competition.objects.create(
        name_pl="Społeczna Dusza",
        name_en="Social Soul",
        slug="spoleczna-dusza",
        description_pl="Nagroda dla osób, organizacji i inicjatyw, które działają na rzecz "
        "innych mieszkańców Białegostoku (dane demonstracyjne).",
        description_en="An award for people, organisations and initiatives working for other "
        "residents of Białystok (demo data).",
        nominated_by_residents=True,
        nominated_by_organizations=True,
        nominee_person=True,
        nominee_organization=True,
        nominee_initiative=True,
        position=10,
        is_demo=True,
    )
    edition = _edition(
        competition,
        today.year - 1,
        now - 400 * DAY,
        rules_pl="Kandydatów zgłaszają mieszkańcy i organizacje pozarządowe.",
        rules_en="Residents and NGOs nominate the candidates.",
    )
    names = ["Osoba", "Organizacja pozarządowa", "Inicjatywa"]
    categories = [
        Category.objects.create(edition=edition, name_pl=name, name_en=english, position=n)
        for n, (name, english) in enumerate(
            zip(names, ["Person", "NGO", "Initiative"], strict=True)
        )
    ]
    Criterion.objects.create(edition=edition, name_pl="Działania na rzecz innych", weight=2)
    Criterion.objects.create(edition=edition, name_pl="Trwałość efektów", weight=1)
    accepted = {"status": Nomination.Status.ACCEPTED, "checked_at": now - 350 * DAY}
    awards = [
        (
            categories[0],
            "laureate",
            {"nominee_first_name": "Jadwiga", "nominee_last_name": "Kamińska"},
            "Za dwadzieścia lat prowadzenia świetlicy osiedlowej.",
            (180, 90, 60),
            "Jadwiga Kamińska w świetlicy wśród dzieci",
        ),
        (
            categories[0],
            "mention",
            {"nominee_first_name": "Henryk", "nominee_last_name": "Borowski"},
            "Za organizowanie pomocy sąsiedzkiej dla seniorów.",
            None,
            "",
        ),
        (
            categories[1],
            "laureate",
            {"nominee_kind": "organization", "nominee_name": "Stowarzyszenie Dobry Sąsiad (demo)"},
            "Za prowadzenie banku żywności.",
            (60, 120, 80),
            "Wolontariusze stowarzyszenia przy regałach z żywnością",
        ),
        (
            categories[2],
            "laureate",
            {"nominee_kind": "initiative", "nominee_name": "Lodówka społeczna na Bojarach (demo)"},
            "Za dzielenie się żywnością zamiast jej marnowania.",
            None,
            "",
        ),
        (
            categories[2],
            "mention",
            {
                "nominee_kind": "initiative",
                "nominee_name": "Osiedlowa biblioteczka wymiany książek (demo)",
            },
            "Za ożywienie podwórka przy ul. Mickiewicza.",
            None,
            "",
        ),
    ]
    for category, award, nominee, description, colour, alt in awards:
        nomination = _nomination(edition, category, now - 380 * DAY, **nominee, **accepted)
        if colour:
            nomination.photo_alt_pl = alt
            nomination.photo.save(f"spoleczna-dusza-{nomination.pk}.png", _png(colour), save=False)
            nomination.save(update_fields=["photo", "photo_alt_pl"])
        nomination_award_set(
            nomination=nomination, award=award, user=None, description_pl=description
        )
    edition_results_approve(edition=edition, user=None)
    stdout.write(f"Demo competition Społeczna Dusza {edition.year}: results published.")


def _magnificent_eight(now, jurors, stdout):
    from awards.models import Category, Competition, Criterion, Juror, Nomination

    if Competition.objects.filter(slug="osmiu-wspanialych").exists():
        return
    competition = Competition.objects.create(
        name_pl="Ośmiu Wspaniałych",
        name_en="The Magnificent Eight",
        slug="osmiu-wspanialych",
        description_pl="Konkurs dla młodzieży, która pomaga innym jako wolontariusze "
        "(dane demonstracyjne).",
        description_en="A contest for young people who volunteer (demo data).",
        nominated_by_residents=False,
        nominated_by_organizations=True,
        nominated_by_schools=True,
        nominee_person=False,
        nominee_minor=True,
        position=20,
        is_demo=True,
    )
    edition = _edition(
        competition,
        timezone.localdate().year,
        now - 7 * DAY,
        rules_pl="Uczniów zgłaszają szkoły i organizacje; potrzebna jest zgoda rodzica lub "
        "opiekuna.",
        rules_en="Schools and organisations nominate pupils; a parent's or guardian's consent "
        "is needed.",
    )
    primary = Category.objects.create(
        edition=edition, name_pl="Szkoły podstawowe", name_en="Primary schools", position=1
    )
    Category.objects.create(
        edition=edition, name_pl="Szkoły ponadpodstawowe", name_en="Secondary schools", position=2
    )
    Criterion.objects.create(
        edition=edition, name_pl="Zaangażowanie", name_en="Commitment", weight=2
    )
    Criterion.objects.create(edition=edition, name_pl="Wpływ na otoczenie", name_en="Impact")
    for n, user in enumerate(jurors):
        Juror.objects.create(edition=edition, user=user, is_chair=n == 0)
    school = "Szkoła Podstawowa nr 5 w Białymstoku (demo)"
    _nomination(
        edition,
        primary,
        now,
        nominee_kind="minor",
        nominee_first_name="Julia",
        nominee_last_name="Michalska",
        school=school,
        school_class="8a",
        guardian_name="Katarzyna Michalska",
        guardian_email="opiekun-demo@example.com",
        consent_method=Nomination.ConsentMethod.EMAIL,
        consent_at=now - 2 * DAY,
        nominator_kind="school",
        nominator_name="Małgorzata Wróbel",
        nominator_institution=school,
        justification="Julia od dwóch lat czyta podopiecznym hospicjum i prowadzi szkolną "
        "zbiórkę karmy dla schroniska.",
    )
    _nomination(
        edition,
        primary,
        now,
        nominee_kind="minor",
        nominee_first_name="Jakub",
        nominee_last_name="Pawłowski",
        school=school,
        school_class="7c",
        guardian_name="Marcin Pawłowski",
        guardian_email="opiekun2-demo@example.com",
        nominator_kind="school",
        nominator_name="Małgorzata Wróbel",
        nominator_institution=school,
        justification="Jakub pomaga młodszym kolegom w nauce (zgoda opiekuna w drodze).",
    )
    stdout.write(f"Demo competition Ośmiu Wspaniałych {edition.year}: open for nominations.")


def _seniors(now, jurors, stdout):
    from awards.models import Category, Competition, Criterion, Juror, Nomination

    if Competition.objects.filter(slug="miejsce-przyjazne-seniorom").exists():
        return
    competition = Competition.objects.create(
        name_pl="Miejsce Przyjazne Seniorom",
        name_en="A Place Friendly to Seniors",
        slug="miejsce-przyjazne-seniorom",
        description_pl="Wyróżnienie dla miejsc przyjaznych osobom starszym (dane demonstracyjne).",
        description_en="A distinction for places friendly to older people (demo data).",
        nominee_person=False,
        nominee_place=True,
        position=30,
        is_demo=True,
    )
    opened = now - 45 * DAY
    edition = _edition(
        competition,
        timezone.localdate().year,
        opened,
        public_vote=True,
        vote_opens=31,
        vote_closes=55,
    )
    category = Category.objects.create(
        edition=edition, name_pl="Kawiarnie i sklepy", name_en="Cafés and shops"
    )
    for name in ("Kawiarnia Pod Arkadami (demo)", "Księgarnia Rynek Kościuszki (demo)"):
        _nomination(
            edition,
            category,
            now - 20 * DAY,
            nominee_kind="place",
            nominee_name=name,
            justification="Wygodne miejsca do siedzenia, duże napisy i cierpliwa obsługa.",
            status=Nomination.Status.ACCEPTED,
            checked_at=now - 10 * DAY,
        )
    # Its jury is at work now: the demo jurors can score the places straight away.
    Criterion.objects.create(
        edition=edition, name_pl="Dostępność", name_en="Accessibility", weight=2, position=1
    )
    Criterion.objects.create(
        edition=edition, name_pl="Życzliwość obsługi", name_en="Kindness of the staff", position=2
    )
    for n, user in enumerate(jurors):
        Juror.objects.create(edition=edition, user=user, is_chair=n == 1)
    stdout.write(
        f"Demo competition Miejsce Przyjazne Seniorom {edition.year}: public vote, the jury "
        "scoring."
    )


def seed_demo(*, options, stdout):
    now = timezone.now()
    today = timezone.localdate()
    jurors = _jurors(stdout)
    _social_soul(now, today, stdout)
    _magnificent_eight(now, jurors, stdout)
    _seniors(now, jurors, stdout)
