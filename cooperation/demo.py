"""Demo data of the cooperation module (`seed_demo`), every record marked as demo:

- this year's Cooperation Programme, published, with its report;
- next year's programme (not yet adopted) in an open public consultation of its draft,
  with an open meeting in the centre's demo training room and remarks of two demo
  organisations;
- a consultation closed with its report published: every remark has the city's position;
- the NGO Consultation Team: members of this term and two meetings (one past, with its
  minutes; one ahead, in the demo meeting room).

Idempotent: what is there already (by address or year) is left as it is."""

import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

DEMO_TAG = " (demo)"
TRAINING_ROOM_SLUG = "sala-szkoleniowa-demo"
MEETING_ROOM_SLUG = "sala-spotkan-demo"
CONSULTED_FIELDS = [
    "Pomoc społeczna",
    "Działalność charytatywna",
    "Osoby w wieku emerytalnym",
    "Rozwój wspólnot i społeczności lokalnych",
]
OFFICE = "Departament Spraw Społecznych Urzędu Miejskiego w Białymstoku (demo)"

PROGRAMME_PROVISIONS = [
    (
        "§ 1",
        "Program określa cele, zasady, formy oraz zakres współpracy Miasta Białystok z "
        "organizacjami pozarządowymi w roku {year}.",
    ),
    (
        "§ 2 ust. 1",
        "Celem głównym Programu jest rozwój współpracy Miasta z organizacjami "
        "w zaspokajaniu potrzeb mieszkańców.",
    ),
    ("§ 2 ust. 2 pkt 1", "Celami szczegółowymi są: wzmacnianie potencjału organizacji;"),
    ("§ 2 ust. 2 pkt 2", "zwiększanie udziału mieszkańców w rozwiązywaniu lokalnych problemów;"),
    (
        "§ 3",
        "Współpraca odbywa się na zasadach pomocniczości, suwerenności stron, partnerstwa, "
        "efektywności, uczciwej konkurencji i jawności.",
    ),
    (
        "§ 4 ust. 1",
        "Priorytetowymi zadaniami publicznymi są: wspieranie wolontariatu, "
        "aktywizacja osób starszych oraz ochrona zdrowia psychicznego dzieci i młodzieży.",
    ),
    ("§ 4 ust. 2", "Na realizację Programu przeznacza się kwotę nie mniejszą niż 12 000 000 zł."),
    (
        "§ 5",
        "Program realizuje Centrum Współpracy Organizacji Pozarządowych we współpracy z "
        "komórkami organizacyjnymi Urzędu Miejskiego.",
    ),
    (
        "§ 6",
        "Sprawozdanie z realizacji Programu przedstawia się Radzie Miasta do 31 maja "
        "roku następnego.",
    ),
]

INITIATIVE_PROVISIONS = [
    (
        "§ 1",
        "Uchwała określa tryb i szczegółowe kryteria oceny wniosków o realizację zadania "
        "publicznego w ramach inicjatywy lokalnej.",
    ),
    ("§ 2 ust. 1", "Wniosek składa się w Centrum Współpracy Organizacji Pozarządowych."),
    ("§ 2 ust. 2", "Wniosek rozpatruje się w terminie 30 dni od dnia jego złożenia."),
    ("§ 3", "Przy ocenie wniosku bierze się pod uwagę wkład mieszkańców w realizację zadania."),
]


def add_demo_arguments(parser):
    """No size options: the cooperation demo is a fixed, curated set."""


def _demo_organizations():
    from organizations.models import Organization

    return list(Organization.objects.published().filter(is_demo=True).order_by("pk")[:4])


def _author(organization):
    from organizations.models import Membership

    membership = (
        organization.memberships.filter(status=Membership.Status.ACTIVE)
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return membership.user if membership else None


def _provisions(consultation, specs, year):
    from cooperation.models import Provision

    return [
        Provision.objects.create(
            consultation=consultation, position=number, label=label, text=text.format(year=year)
        )
        for number, (label, text) in enumerate(specs, start=1)
    ]


def _remark(consultation, provision, organization, proposed, justification, **extra):
    from cooperation.models import Remark

    author = _author(organization)
    return Remark.objects.create(
        consultation=consultation,
        provision=provision,
        organization=organization,
        organization_name=organization.name,
        author=author,
        author_name=author.get_full_name() if author else "Zarząd organizacji",
        author_email=author.email if author else "biuro-demo@example.com",
        proposed_wording=proposed,
        justification=justification,
        is_demo=True,
        **extra,
    )


def _programme_years(today, stdout):
    from cooperation.models import ProgrammeYear

    years = {}
    for year, published in ((today.year, True), (today.year + 1, False)):
        years[year], created = ProgrammeYear.objects.get_or_create(
            year=year,
            defaults={
                "title_pl": f"Program współpracy Miasta Białystok z organizacjami "
                f"pozarządowymi na rok {year}{DEMO_TAG}",
                "title_en": f"The City of Białystok's Cooperation Programme with NGOs "
                f"for {year}{DEMO_TAG}",
                "resolution": f"Uchwała nr XII/145/{str(year - 1)[2:]} Rady Miasta Białystok "
                f"z dnia 27 listopada {year - 1} r. (demo)"
                if published
                else "",
                "summary_pl": "Program określa cele, zasady i formy współpracy Miasta z "
                "organizacjami pozarządowymi oraz priorytetowe zadania publiczne.",
                "summary_en": "The programme sets the goals, principles and forms of the "
                "City's cooperation with NGOs and its priority public tasks.",
                "priorities_pl": "- wspieranie wolontariatu\n- aktywizacja osób starszych\n"
                "- ochrona zdrowia psychicznego dzieci i młodzieży",
                "priorities_en": "- supporting volunteering\n- activating older people\n"
                "- mental health of children and young people",
                "is_published": published,
                "is_demo": True,
            },
        )
        if created:
            stdout.write(f"Demo Cooperation Programme year {year}.")
    return years


def _open_consultation(now, years, organizations, stdout):
    from cooperation.models import ConsultationMeeting, PublicConsultation
    from cooperation.services.consultations import consultation_meeting_save
    from organizations.models import FieldOfActivity
    from rooms.models import Resource

    next_year = max(years)
    slug = f"program-wspolpracy-{next_year}-demo"
    if PublicConsultation.objects.filter(slug=slug).exists():
        return
    consultation = PublicConsultation.objects.create(
        title_pl=f"Projekt Programu współpracy Miasta Białystok z organizacjami "
        f"pozarządowymi na rok {next_year}{DEMO_TAG}",
        title_en=f"Draft Cooperation Programme of the City of Białystok with NGOs "
        f"for {next_year}{DEMO_TAG}",
        slug=slug,
        summary_pl="Zapraszamy organizacje pozarządowe do zgłaszania uwag do projektu "
        "programu współpracy na przyszły rok. Uwagi można zgłaszać do każdego paragrafu "
        "albo do całego projektu.",
        summary_en="NGOs are invited to send remarks on the draft cooperation programme "
        "for next year, on any provision or on the whole draft.",
        office=OFFICE,
        contact_name="Małgorzata Zielińska (demo)",
        contact_email="konsultacje-demo@example.com",
        contact_phone="+48 85 000 00 01 (demo)",
        start=now - datetime.timedelta(days=5),
        end=now + datetime.timedelta(days=16),
        status=PublicConsultation.Status.OPEN,
        opened_at=now - datetime.timedelta(days=5),
        alerts_sent_at=now - datetime.timedelta(days=5),
        council_consulted=True,
        programme_year=years[next_year],
        is_demo=True,
    )
    # The fields whose organisations are invited (none found: every organisation is).
    consultation.fields_of_activity.set(
        FieldOfActivity.objects.filter(name_pl__in=CONSULTED_FIELDS)
    )
    consultation.file.save(
        "projekt-programu-wspolpracy.txt",
        ContentFile(
            "\n".join(
                f"{label} {text.format(year=next_year)}" for label, text in PROGRAMME_PROVISIONS
            ).encode()
        ),
        save=True,
    )
    provisions = _provisions(consultation, PROGRAMME_PROVISIONS, next_year)
    if len(organizations) >= 2:
        _remark(
            consultation,
            provisions[5],
            organizations[0],
            "Priorytetowymi zadaniami publicznymi są: wspieranie wolontariatu, aktywizacja "
            "osób starszych, ochrona zdrowia psychicznego dzieci i młodzieży oraz "
            "przeciwdziałanie wykluczeniu cyfrowemu.",
            "Coraz więcej mieszkańców potrzebuje wsparcia w korzystaniu z usług cyfrowych.",
        )
        _remark(
            consultation,
            None,
            organizations[1],
            "",
            "Prosimy o dołączenie do programu harmonogramu otwartych konkursów ofert.",
        )
    room = Resource.objects.filter(slug=TRAINING_ROOM_SLUG).first()
    day = (now + datetime.timedelta(days=9)).date()
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(13)))
    meeting = ConsultationMeeting(
        consultation=consultation,
        start=start,
        end=start + datetime.timedelta(hours=2),
        room=room,
        place="" if room else "Urząd Miejski w Białymstoku, sala 12 (demo)",
        description_pl="Otwarte spotkanie konsultacyjne: omówienie projektu i zebranie uwag.",
        description_en="Open consultation meeting: the draft discussed and remarks collected.",
    )
    try:
        consultation_meeting_save(meeting=meeting, user=None)
    except ValidationError:  # the demo room is taken then: hold it elsewhere
        meeting.room, meeting.room_booking = None, None
        meeting.place = "Urząd Miejski w Białymstoku, sala 12 (demo)"
        consultation_meeting_save(meeting=meeting, user=None)
    stdout.write(f"Demo public consultation (open): {consultation.title_pl}.")


def _reported_consultation(now, organizations, stdout):
    from cooperation.models import PublicConsultation, Remark

    slug = "inicjatywa-lokalna-demo"
    if PublicConsultation.objects.filter(slug=slug).exists():
        return
    start = now - datetime.timedelta(days=75)
    consultation = PublicConsultation.objects.create(
        title_pl="Projekt uchwały w sprawie trybu i kryteriów oceny wniosków o realizację "
        "inicjatywy lokalnej" + DEMO_TAG,
        title_en="Draft resolution on assessing local initiative applications" + DEMO_TAG,
        slug=slug,
        summary_pl="Projekt określa, jak Miasto ocenia wnioski mieszkańców i organizacji o "
        "wspólną realizację zadań w ramach inicjatywy lokalnej.",
        office=OFFICE,
        contact_name="Tomasz Wróblewski (demo)",
        contact_email="inicjatywa-demo@example.com",
        start=start,
        end=start + datetime.timedelta(days=21),
        status=PublicConsultation.Status.REPORT_PUBLISHED,
        opened_at=start,
        alerts_sent_at=start,
        reminders_sent_at=start + datetime.timedelta(days=18),
        residents_may_remark=True,
        report_summary_pl="W konsultacjach wpłynęły uwagi trzech organizacji. Dwie uwagi "
        "uwzględniono w całości lub w części.",
        report_summary_en="Three organisations sent remarks; two were accepted in full or in part.",
        report_published_at=start + datetime.timedelta(days=35),
        is_demo=True,
    )
    provisions = _provisions(consultation, INITIATIVE_PROVISIONS, now.year)
    positions = [
        (
            provisions[2],
            "Wniosek rozpatruje się w terminie 21 dni od dnia jego złożenia.",
            "Trzydzieści dni to za długo dla działań sezonowych.",
            Remark.Position.PARTLY,
            "Skrócono termin do 25 dni; krótszy nie pozwala zebrać opinii komórek urzędu.",
        ),
        (
            provisions[3],
            "Przy ocenie wniosku bierze się pod uwagę wkład mieszkańców, w tym pracę społeczną.",
            "Praca społeczna mieszkańców jest najczęstszym wkładem i powinna być wymieniona.",
            Remark.Position.ACCEPTED,
            "Uwaga zasadna.",
        ),
        (
            provisions[1],
            "Wniosek składa się w Centrum lub przez portal.",
            "Składanie wniosków przez internet ułatwi udział mieszkańcom.",
            Remark.Position.REJECTED,
            "Elektroniczne składanie wniosków reguluje odrębne zarządzenie Prezydenta Miasta.",
        ),
    ]
    for organization, (provision, proposed, why, position, answer) in zip(
        organizations[:3], positions, strict=False
    ):
        _remark(
            consultation,
            provision,
            organization,
            proposed,
            why,
            position=position,
            position_justification=answer,
            created_at=start + datetime.timedelta(days=7),
        )
    stdout.write(f"Demo public consultation (report published): {consultation.title_pl}.")


TEAM = [
    # The roles' Polish names are masculine ("przewodniczący", "wiceprzewodniczący"),
    # so the demo gives them to men; "sekretarz" and "członek" serve any gender.
    ("Marek Kalinowski", "chair", "ngo", 0),
    ("Krzysztof Szymański", "vice", "city", None),
    ("Agnieszka Borowska", "secretary", "city", None),
    ("Paweł Jankowski", "member", "ngo", 1),
    ("Ewelina Dąbrowska", "member", "ngo", 2),
    ("Joanna Sokołowska", "member", "city", None),
]


def _team(now, today, organizations, stdout):
    from cooperation.models import TeamMeeting, TeamMeetingDocument, TeamMember
    from cooperation.services.team import team_meeting_save
    from rooms.models import Resource

    if TeamMember.objects.filter(is_demo=True).exists():
        return
    term_start = datetime.date(today.year - 1, 3, 1)
    for position, (name, role, side, org_index) in enumerate(TEAM):
        organization = (
            organizations[org_index]
            if org_index is not None and org_index < len(organizations)
            else None
        )
        TeamMember.objects.create(
            name=f"{name}{DEMO_TAG}",
            role=role,
            side=side,
            organization=organization,
            affiliation="Urząd Miejski w Białymstoku (demo)" if side == "city" else "",
            term_start=term_start,
            term_end=datetime.date(today.year + 2, 2, 28),
            email=f"zespol-{position}-demo@example.com",
            receives_messages=role in ("chair", "secretary"),
            position=position * 10,
            is_demo=True,
        )
    past = now - datetime.timedelta(days=30)
    past_meeting = TeamMeeting.objects.create(
        start=past,
        end=past + datetime.timedelta(hours=2),
        place="Urząd Miejski w Białymstoku, sala 10 (demo)",
        agenda_pl="1. Otwarcie posiedzenia.\n2. Opinia Zespołu o projekcie uchwały w sprawie "
        "inicjatywy lokalnej.\n3. Sprawy różne.",
        agenda_en="1. Opening.\n2. The Team's opinion on the local initiative draft.\n"
        "3. Other business.",
        is_demo=True,
    )
    minutes = TeamMeetingDocument(
        meeting=past_meeting, kind=TeamMeetingDocument.Kind.MINUTES, title="Protokół z posiedzenia"
    )
    minutes.file.save(
        "protokol-posiedzenia-demo.txt",
        ContentFile("Protokół z posiedzenia Zespołu (dokument demonstracyjny).".encode()),
        save=True,
    )
    room = Resource.objects.filter(slug=MEETING_ROOM_SLUG).first()
    day = (now + datetime.timedelta(days=12)).date()
    while day.weekday() >= 5:
        day += datetime.timedelta(days=1)
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    meeting = TeamMeeting(
        start=start,
        end=start + datetime.timedelta(hours=2),
        room=room,
        place="" if room else "Urząd Miejski w Białymstoku, sala 10 (demo)",
        agenda_pl="1. Opinia o projekcie programu współpracy na przyszły rok.\n"
        "2. Plan pracy Zespołu.",
        agenda_en="1. Opinion on next year's cooperation programme draft.\n2. Work plan.",
        is_demo=True,
    )
    try:
        team_meeting_save(meeting=meeting, user=None)
    except ValidationError:  # the demo room is taken then: hold it elsewhere
        meeting.room, meeting.room_booking = None, None
        meeting.place = "Urząd Miejski w Białymstoku, sala 10 (demo)"
        team_meeting_save(meeting=meeting, user=None)
    stdout.write(f"Demo Consultation Team: {len(TEAM)} members, 2 meetings.")


def seed_demo(*, options, stdout):
    now = timezone.now()
    today = timezone.localdate()
    organizations = _demo_organizations()
    years = _programme_years(today, stdout)
    _open_consultation(now, years, organizations, stdout)
    _reported_consultation(now, organizations, stdout)
    _team(now, today, organizations, stdout)
    _programme_report(years[today.year], stdout)


def _programme_report(programme_year, stdout):
    """This year's report, published with the figures the portal has now."""
    from cooperation.services.programme import programme_report_publish

    if programme_year.report_published:
        return
    programme_year.report_note_pl = (
        "Dane zebrane automatycznie z portalu Centrum (dane demonstracyjne)."
    )
    programme_year.report_note_en = "Figures gathered from the centre's portal (demo data)."
    programme_year.save(update_fields=["report_note_pl", "report_note_en", "updated_at"])
    programme_report_publish(programme_year=programme_year, user=None)
    stdout.write(f"Demo Cooperation Programme report {programme_year.year}: published.")
