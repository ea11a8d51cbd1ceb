"""Demo data of the consultations module (`seed_demo --advisors N --appointments N`).

Every advisor, appointment, training and registration it writes is marked demo
(`is_demo`) and named "(demo)"; rules, exceptions and training sessions belong to
those demo advisors and trainings (their models have no flag of their own).

- N demo advisors (default 6) with topics and weekly hours; two of them (when there
  are at least three) are the students of the "Centrum Informacji Administracyjnej
  (demo)" group. Hours in person take place in the rooms' demo meeting room
  (`sala-spotkan-demo`) when it exists, else by phone. If the demo accounts include
  doradca@example.com, it becomes a demo advisor's account (/konto/doradztwo/).
- A few hand-made appointments (past attended, did not come, cancelled; upcoming
  confirmed), then demo appointments topped up to N (default 40), written in bulk:
  a fifth in the coming weeks (confirmed), the rest going back in time (attended,
  did not come, cancelled), never two of one advisor at once. 20 advisors have
  about 100 slots a week, so a year of history is about 5,000 appointments.
- Three demo trainings: one past (attendance marked), one upcoming in two meetings
  with registrations, one full with a waiting list. (No materials: they need files.)

No room is booked: demo rows in the rooms' bookings are the rooms module's own (its
`--bookings N` counts them), so upcoming demo appointments are by phone or online
and the trainings give an address; past appointments in person are history only.

Idempotent: what exists is kept, only what is missing is added. Bulk rows are made
to fit the rules; real appointments always go through `consultations.services.appointments`.
"""

import datetime
import random

from consultations.models import (
    Advisor,
    AdvisorGroup,
    Appointment,
    AvailabilityException,
    AvailabilityRule,
    Mode,
    Registration,
    Topic,
    Training,
    TrainingSession,
)
from cwop_portal.dates import at, local_zone, working_days

DEFAULT_DEMO_ADVISORS = 6
DEFAULT_DEMO_APPOINTMENTS = 40
DEMO_SEED = 6060
BATCH = 2000
FUTURE_WEEKS = 8
FUTURE_TAKEN_SHARE = 0.3

DEMO_ADVISOR_EMAIL = "doradca@example.com"
MEETING_ROOM_SLUG = "sala-spotkan-demo"
GROUP_SLUG = "centrum-informacji-administracyjnej-demo"
STUDENTS_TOPIC = "prawo-administracyjne"

ADVISOR_NAMES = [
    "Katarzyna Doradcza",
    "Tomasz Przykładny",
    "Agnieszka Wzorowa",
    "Marek Poradny",
    "Ewa Pomocna",
    "Paweł Rzetelny",
    "Joanna Życzliwa",
    "Krzysztof Sumienny",
    "Magdalena Uważna",
    "Michał Cierpliwy",
]
STUDENT_NAMES = ["Zuzanna Studencka", "Jakub Aplikant"]
# Topics of the regular advisors, in turn (slugs of migration 0003).
TOPIC_SETS = [
    ["pozyskiwanie-funduszy", "wnioski-i-oferty", "metoda-projektow"],
    ["zarzadzanie-organizacja", "obowiazki-wobec-nadzoru", "statuty"],
    ["wolontariat", "materialy-promocyjne", "inne"],
    ["zakladanie-i-rozwiazywanie", "statuty", "zbiorki-publiczne"],
    ["wnioski-i-oferty", "pozyskiwanie-funduszy", "zarzadzanie-organizacja"],
]
BIOS = [
    "Od lat pomaga organizacjom pisać wnioski i rozliczać projekty. (Opis demonstracyjny.)",
    "Prawnik, doradza w sprawach statutów i obowiązków wobec nadzoru. (Opis demonstracyjny.)",
    "Koordynatorka wolontariatu i promocji. (Opis demonstracyjny.)",
]

CLIENTS = [
    ("Anna Przykładowa (demo)", "Stowarzyszenie Przykładowe (demo)"),
    ("Jan Testowy (demo)", ""),
    ("Maria Demonstracyjna (demo)", "Grupa nieformalna Sąsiedzi (demo)"),
    ("Piotr Fikcyjny (demo)", "Fundacja Wzorcowa (demo)"),
    ("Ewa Pokazowa (demo)", ""),
    ("Adam Próbny (demo)", "Klub Seniora (demo)"),
]
QUESTIONS = [
    "Jak rozliczyć dotację z budżetu miasta? (pytanie demonstracyjne)",
    "Czy nasze stowarzyszenie zwykłe może zatrudnić pracownika? (pytanie demonstracyjne)",
    "Jak przygotować ofertę w otwartym konkursie? (pytanie demonstracyjne)",
    "Jakie dokumenty złożyć przy zmianie statutu? (pytanie demonstracyjne)",
    "Jak zorganizować zbiórkę publiczną online? (pytanie demonstracyjne)",
]


def add_demo_arguments(parser):
    parser.add_argument(
        "--advisors",
        type=int,
        default=DEFAULT_DEMO_ADVISORS,
        metavar="N",
        help=(
            f"How many demo advisors there should be (default {DEFAULT_DEMO_ADVISORS}); "
            "only the missing ones are created."
        ),
    )
    parser.add_argument(
        "--appointments",
        type=int,
        default=DEFAULT_DEMO_APPOINTMENTS,
        metavar="N",
        help=(
            "How many demo consultation appointments there should be (default "
            f"{DEFAULT_DEMO_APPOINTMENTS}); only the missing ones are created, going "
            "back in time as far as needed."
        ),
    )


# --- Time helpers ----------------------------------------------------------------------


def _at(day, hour, minute=0):
    return at(day, datetime.time(hour, minute))


def _rule_slots(rule, day):
    """(start, end) of the slots of `rule` on `day`."""
    start = _at(day, rule.starts.hour, rule.starts.minute)
    limit = _at(day, rule.ends.hour, rule.ends.minute)
    length = datetime.timedelta(minutes=rule.slot_minutes)
    step = length + datetime.timedelta(minutes=rule.buffer_minutes)
    while start + length <= limit:
        yield start, start + length
        start += step


# --- Advisors --------------------------------------------------------------------------


def _advisor_spec(index, count):
    """(name, slug, topic slugs, is student) of demo advisor number `index` (0-based)."""
    has_students = count >= 3
    if has_students and index < len(STUDENT_NAMES):
        name = STUDENT_NAMES[index]
        return f"{name} (demo)", f"doradca-demo-{index + 1}", [STUDENTS_TOPIC], True
    regular = index - (len(STUDENT_NAMES) if has_students else 0)
    name = ADVISOR_NAMES[regular % len(ADVISOR_NAMES)]
    if regular >= len(ADVISOR_NAMES):
        name = f"{name} {regular // len(ADVISOR_NAMES) + 1}"
    return (
        f"{name} (demo)",
        f"doradca-demo-{index + 1}",
        TOPIC_SETS[regular % len(TOPIC_SETS)],
        False,
    )


def _rule_specs(index, meeting_room, valid_from):
    """Two weekly rules on different weekdays: the first in person in the demo
    meeting room (for the first ten advisors, so that no two share the room at
    once) or by phone, the second online."""
    block = (index // 5) % 2
    first_hours = ((9, 0), (12, 0)) if block == 0 else ((12, 0), (15, 0))
    second_hours = ((13, 0), (15, 0)) if block == 0 else ((9, 0), (11, 0))
    in_person = meeting_room is not None and index < 10
    return [
        {
            "weekday": index % 5,
            "starts": datetime.time(*first_hours[0]),
            "ends": datetime.time(*first_hours[1]),
            "mode": Mode.IN_PERSON if in_person else Mode.PHONE,
            "room": meeting_room if in_person else None,
            "valid_from": valid_from,
        },
        {
            "weekday": (index + 2) % 5,
            "starts": datetime.time(*second_hours[0]),
            "ends": datetime.time(*second_hours[1]),
            "mode": Mode.ONLINE,
            "room": None,
            "valid_from": valid_from,
        },
    ]


def _first_weekday_from(day, weekday):
    return day + datetime.timedelta(days=(weekday - day.weekday()) % 7)


def create_demo_advisors(count, *, today, meeting_room):
    """The first `count` demo advisors (missing ones created with topics, hours and
    exceptions); returns them and how many were created."""
    topics = {topic.slug: topic for topic in Topic.objects.all()}
    group = None
    if count >= 3:
        group, _created = AdvisorGroup.objects.get_or_create(
            slug=GROUP_SLUG,
            defaults={
                "name_pl": "Centrum Informacji Administracyjnej (demo)",
                "name_en": "Administrative Information Centre (demo)",
                "description_pl": "Studenci prawa pod opieką wykładowców udzielają "
                "porad z prawa administracyjnego. (Opis demonstracyjny.)",
                "description_en": "Law students, supervised by their lecturers, advise "
                "on administrative law. (Demo description.)",
            },
        )
    valid_from = datetime.date(today.year - 2, 1, 1)
    advisors, created = [], 0
    for index in range(count):
        name, slug, topic_slugs, is_student = _advisor_spec(index, count)
        advisor, was_created = Advisor.objects.get_or_create(
            slug=slug,
            defaults={
                "name": name,
                "bio_pl": BIOS[index % len(BIOS)],
                "bio_en": "An advisor of the centre. (Demo description.)",
                "group": group if is_student else None,
                "is_demo": True,
            },
        )
        advisors.append(advisor)
        if not was_created:
            continue
        created += 1
        advisor.topics.set([topics[s] for s in topic_slugs if s in topics])
        AvailabilityRule.objects.bulk_create(
            AvailabilityRule(advisor=advisor, **spec)
            for spec in _rule_specs(index, meeting_room, valid_from)
        )
        if index == 0:
            AvailabilityException.objects.create(
                advisor=advisor,
                date=_first_weekday_from(today + datetime.timedelta(days=21), index % 5),
                kind=AvailabilityException.Kind.DAY_OFF,
                note="Urlop (demo)",
            )
        elif index == 1:
            AvailabilityException.objects.create(
                advisor=advisor,
                date=_first_weekday_from(today + datetime.timedelta(days=14), 4),
                kind=AvailabilityException.Kind.EXTRA,
                starts=datetime.time(15, 0),
                ends=datetime.time(17, 0),
                mode=Mode.PHONE,
                note="Dodatkowy dyżur telefoniczny (demo)",
            )
    return advisors, created


def link_demo_advisor_account(advisors, stdout):
    """The demo advisor account (DEMO_ADVISOR_EMAIL), if the demo accounts include
    it, becomes the account of the first regular demo advisor (and an advisor by
    role), to try /konto/doradztwo/. The account itself is not made here: the demo
    accounts are `seed_demo`'s own list (cwop_portal), which other modules count on."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from cwop_portal.roles import ADVISORS

    user = get_user_model().objects.filter(email=DEMO_ADVISOR_EMAIL).first()
    if user is None or not advisors:
        return
    group = Group.objects.filter(name=ADVISORS).first()
    if group:
        user.groups.add(group)
    if Advisor.objects.filter(user=user).exists():
        return
    advisor = next((a for a in advisors if a.group_id is None), advisors[0])
    if advisor.user_id is None:
        advisor.user = user
        advisor.save(update_fields=["user"])
        stdout.write(f"Demo advisor account {user.email}: the schedule of {advisor.name}.")


# --- Appointments ----------------------------------------------------------------------


def _appointment(advisor, topic, start, end, mode, status, *, client, question, rng, organizations):
    name, organization_name = client
    number = rng.randint(1, 9999)
    created_at = start - datetime.timedelta(days=rng.randint(3, 14))
    values = {
        "advisor": advisor,
        "topic": topic,
        "start": start,
        "end": end,
        "mode": mode,
        "status": status,
        "client_name": name,
        "client_email": f"klient{number}@example.com",
        "client_phone": f"+48 600 {number:04d}"[:15] if rng.random() < 0.6 else "",
        "client_organization_name": organization_name,
        "organization": rng.choice(organizations) if organizations and rng.random() < 0.4 else None,
        "question": question,
        "confirmed_at": created_at + datetime.timedelta(minutes=10),
        "created_at": created_at,
        "is_demo": True,
    }
    if status == Appointment.Status.CANCELLED:
        values["cancelled_at"] = start - datetime.timedelta(days=1)
        values["cancelled_by_client"] = True
    return Appointment(**values)


class _Planner:
    """Free slots of the demo advisors' rules, day by day, never twice the same time
    of one advisor."""

    def __init__(self, advisors):
        self.advisors = advisors
        self.rules = {}
        for rule in AvailabilityRule.objects.filter(advisor__in=advisors).select_related("room"):
            self.rules.setdefault(rule.advisor_id, []).append(rule)
        self.topics = {}
        for advisor in Advisor.objects.filter(pk__in=[a.pk for a in advisors]).prefetch_related(
            "topics"
        ):
            self.topics[advisor.pk] = list(advisor.topics.all())
        fallback = Topic.objects.filter(slug="inne").first() or Topic.objects.first()
        self.fallback_topic = fallback
        self.zone = local_zone()
        self.occupied = {}  # (advisor pk, local date) -> [(start, end)]
        busy = Appointment.objects.filter(
            advisor__in=advisors, status__in=Appointment.ACTIVE_STATUSES
        ).values_list("advisor_id", "start", "end")
        for advisor_id, start, end in busy:
            self.take_pk(advisor_id, start, end)

    def topic(self, advisor, rng):
        topics = self.topics.get(advisor.pk) or []
        return rng.choice(topics) if topics else self.fallback_topic

    def slots(self, day, *, modes=None):
        """(advisor, rule, start, end) of every free slot on `day`."""
        for advisor in self.advisors:
            for rule in self.rules.get(advisor.pk, ()):
                if rule.weekday != day.weekday() or (modes and rule.mode not in modes):
                    continue
                taken = self.occupied.get((advisor.pk, day), ())
                for start, end in _rule_slots(rule, day):
                    if any(s < end and e > start for s, e in taken):
                        continue
                    yield advisor, rule, start, end

    def take_pk(self, advisor_pk, start, end):
        day = start.astimezone(self.zone).date()
        self.occupied.setdefault((advisor_pk, day), []).append((start, end))

    def take(self, advisor, start, end):
        self.take_pk(advisor.pk, start, end)


def create_curated_appointments(planner, *, today, rng, organizations):
    """A handful of appointments to look at: past ones attended, not attended and
    cancelled, upcoming ones confirmed. Returns how many were created."""
    if planner.fallback_topic is None:
        return 0
    past_days = working_days(
        today - datetime.timedelta(days=1), today - datetime.timedelta(days=21), -1
    )
    future_days = working_days(
        today + datetime.timedelta(days=2), today + datetime.timedelta(days=21), 1
    )
    plans = [
        # The past, in any mode (in person without a room booking: history only).
        (
            list(past_days),
            [
                Appointment.Status.ATTENDED,
                Appointment.Status.NO_SHOW,
                Appointment.Status.ATTENDED,
                Appointment.Status.CANCELLED,
                Appointment.Status.ATTENDED,
            ],
            None,
        ),
        # Upcoming ones by phone and online: one in person would have to hold its room.
        (list(future_days), [Appointment.Status.CONFIRMED] * 4, {Mode.PHONE, Mode.ONLINE}),
    ]
    created = 0
    client_index = 0
    used_advisors = set()
    for days, statuses, modes in plans:
        wanted = list(statuses)
        for day in days:
            if not wanted:
                break
            for advisor, rule, start, end in planner.slots(day, modes=modes):
                if advisor.pk in used_advisors and len(used_advisors) < len(planner.advisors):
                    continue  # one each first, so that every demo advisor has some
                status = wanted.pop(0)
                appointment = _appointment(
                    advisor,
                    planner.topic(advisor, rng),
                    start,
                    end,
                    rule.mode,
                    status,
                    client=CLIENTS[client_index % len(CLIENTS)],
                    question=QUESTIONS[client_index % len(QUESTIONS)],
                    rng=rng,
                    organizations=organizations,
                )
                client_index += 1
                if status == Appointment.Status.ATTENDED:
                    appointment.private_notes = (
                        "Notatka demonstracyjna: omówiono budżet projektu, "
                        "klient wróci z poprawionym wnioskiem."
                    )
                appointment.save()
                planner.take(advisor, start, end)
                used_advisors.add(advisor.pk)
                created += 1
                break  # one a day
    return created


def create_bulk_appointments(count, planner, *, today, rng, organizations):
    """`count` appointments in bulk: a fifth in the coming weeks (confirmed, by phone
    or online, FUTURE_TAKEN_SHARE of the free slots), the rest in the past. Returns
    how many were created."""
    if count <= 0 or planner.fallback_topic is None or not planner.rules:
        return 0
    batch, created = [], 0
    future_quota = count // 5

    def flush():
        nonlocal batch
        if batch:
            Appointment.objects.bulk_create(batch, batch_size=BATCH)
            batch = []

    def add(advisor, start, end, mode, status):
        nonlocal created
        index = rng.randrange(len(CLIENTS))
        batch.append(
            _appointment(
                advisor,
                planner.topic(advisor, rng),
                start,
                end,
                mode,
                status,
                client=CLIENTS[index],
                question=QUESTIONS[index % len(QUESTIONS)],
                rng=rng,
                organizations=organizations,
            )
        )
        planner.take(advisor, start, end)
        created += 1
        if len(batch) >= BATCH:
            flush()

    future_days = working_days(
        today + datetime.timedelta(days=2), today + datetime.timedelta(weeks=FUTURE_WEEKS), 1
    )
    for day in future_days:
        if created >= future_quota:
            break
        for advisor, rule, start, end in list(planner.slots(day, modes={Mode.PHONE, Mode.ONLINE})):
            if created >= future_quota:
                break
            if rng.random() < FUTURE_TAKEN_SHARE:
                add(advisor, start, end, rule.mode, Appointment.Status.CONFIRMED)

    past_days = working_days(today - datetime.timedelta(days=1), datetime.date(2000, 1, 1), -1)
    for day in past_days:
        if created >= count:
            break
        for advisor, rule, start, end in list(planner.slots(day)):
            if created >= count:
                break
            roll = rng.random()
            if roll < 0.80:
                status = Appointment.Status.ATTENDED
            elif roll < 0.88:
                status = Appointment.Status.NO_SHOW
            else:
                status = Appointment.Status.CANCELLED
            add(advisor, start, end, rule.mode, status)
    flush()
    return created


# --- Trainings -------------------------------------------------------------------------

TRAININGS = [
    {
        "slug": "jak-napisac-wniosek-demo",
        "title_pl": "Jak napisać dobry wniosek grantowy (demo)",
        "title_en": "How to write a good grant application (demo)",
        "trainer": "Katarzyna Doradcza (demo)",
        "description_pl": "Warsztaty z pisania wniosków: cele, rezultaty, budżet.\n\n"
        "**Szkolenie demonstracyjne.**",
        "description_en": "A workshop on grant applications: aims, results, budget.\n\n"
        "**Demo training.**",
        "target_audience_pl": "Członkowie organizacji pozarządowych (demo)",
        "target_audience_en": "Members of NGOs (demo)",
        "capacity": 20,
        "when": "past",
        "registered": 8,
        "waiting": 0,
    },
    {
        "slug": "ksiegowosc-w-malej-organizacji-demo",
        "title_pl": "Księgowość w małej organizacji – cykl dwóch spotkań (demo)",
        "title_en": "Bookkeeping in a small organisation – two meetings (demo)",
        "trainer": "Tomasz Przykładny (demo)",
        "description_pl": "Uproszczona ewidencja, sprawozdania finansowe i terminy.\n\n"
        "**Szkolenie demonstracyjne.**",
        "description_en": "Simplified records, financial statements and deadlines.\n\n"
        "**Demo training.**",
        "target_audience_pl": "Skarbnicy i księgowi stowarzyszeń (demo)",
        "target_audience_en": "Treasurers and bookkeepers of associations (demo)",
        "capacity": 15,
        "when": "upcoming",
        "registered": 5,
        "waiting": 0,
    },
    {
        "slug": "wolontariat-w-praktyce-demo",
        "title_pl": "Wolontariat w praktyce – spotkanie online (demo)",
        "title_en": "Volunteering in practice – online meeting (demo)",
        "trainer": "Agnieszka Wzorowa (demo)",
        "description_pl": "Porozumienie z wolontariuszem, ubezpieczenie, motywowanie.\n\n"
        "**Szkolenie demonstracyjne.**",
        "description_en": "Volunteer agreements, insurance, motivation.\n\n**Demo training.**",
        "target_audience_pl": "Koordynatorzy wolontariatu (demo)",
        "target_audience_en": "Volunteer coordinators (demo)",
        "capacity": 5,
        "when": "full",
        "registered": 5,
        "waiting": 2,
    },
]


def _working_day(day, step=1):
    """`day` or the nearest working day after it (step 1) or before it (step -1)."""
    return next(working_days(day, day + datetime.timedelta(days=30 * step), step))


def _training_sessions(spec, today):
    """(start, end) of the demo training's meetings."""
    if spec["when"] == "past":
        day = _working_day(today - datetime.timedelta(days=30), -1)
        return [(_at(day, 10), _at(day, 14))]
    if spec["when"] == "upcoming":
        first = _working_day(today + datetime.timedelta(days=14))
        second = _working_day(first + datetime.timedelta(days=7))
        return [(_at(first, 10), _at(first, 13)), (_at(second, 10), _at(second, 13))]
    day = _working_day(today + datetime.timedelta(days=10))
    return [(_at(day, 16), _at(day, 18))]


def create_demo_trainings(*, today, organizations):
    """The three demo trainings (the missing ones); returns how many were created."""
    created = 0
    for spec in TRAININGS:
        if Training.objects.filter(slug=spec["slug"]).exists():
            continue
        sessions = _training_sessions(spec, today)
        first_start = sessions[0][0]
        is_online = spec["when"] == "full"
        training = Training.objects.create(
            slug=spec["slug"],
            title_pl=spec["title_pl"],
            title_en=spec["title_en"],
            trainer=spec["trainer"],
            description_pl=spec["description_pl"],
            description_en=spec["description_en"],
            target_audience_pl=spec["target_audience_pl"],
            target_audience_en=spec["target_audience_en"],
            is_online=is_online,
            online_details="Link do spotkania dostaną zarejestrowani (demo)." if is_online else "",
            place="" if is_online else "ul. Przykładowa 1, Białystok (adres demonstracyjny)",
            capacity=spec["capacity"],
            registration_deadline=first_start - datetime.timedelta(days=1),
            status=Training.Status.PUBLISHED,
            is_demo=True,
            created_at=first_start - datetime.timedelta(days=30),
        )
        for start, end in sessions:
            # (A room would be booked through the rooms service when publishing; the
            # demo gives an address instead and leaves the rooms' demo bookings alone.)
            TrainingSession.objects.create(training=training, start=start, end=end)
        registrations = []
        people = spec["registered"] + spec["waiting"]
        for number in range(1, people + 1):
            registered_at = training.created_at + datetime.timedelta(days=number)
            waiting = number > spec["registered"]
            attended = None
            if spec["when"] == "past" and not waiting:
                attended = number <= spec["registered"] - 2  # two did not come
            registrations.append(
                Registration(
                    training=training,
                    name=f"Uczestnik Demonstracyjny {number} (demo)",
                    email=f"uczestnik{number}.{spec['slug']}@example.com",
                    organization=(
                        organizations[number % len(organizations)] if organizations else None
                    ),
                    status=(
                        Registration.Status.WAITING if waiting else Registration.Status.REGISTERED
                    ),
                    attended=attended,
                    confirmed_at=registered_at,
                    is_demo=True,
                    created_at=registered_at,
                )
            )
        if spec["when"] == "past":
            cancelled_at = training.created_at + datetime.timedelta(days=people + 1)
            registrations.append(
                Registration(
                    training=training,
                    name="Osoba Rezygnująca (demo)",
                    email=f"rezygnacja.{spec['slug']}@example.com",
                    status=Registration.Status.CANCELLED,
                    confirmed_at=cancelled_at - datetime.timedelta(hours=1),
                    cancelled_at=cancelled_at,
                    is_demo=True,
                    created_at=cancelled_at - datetime.timedelta(hours=2),
                )
            )
        Registration.objects.bulk_create(registrations)
        created += 1
    return created


# --- The command's entry point ---------------------------------------------------------


def seed_demo(*, options, stdout):
    from django.core.management.base import CommandError
    from django.utils import timezone

    from organizations.models import Organization
    from rooms.models import Resource

    advisor_count = options.get("advisors", DEFAULT_DEMO_ADVISORS)
    wanted = options.get("appointments", DEFAULT_DEMO_APPOINTMENTS)
    if advisor_count < 0:
        raise CommandError("--advisors must be 0 or more.")
    if wanted < 0:
        raise CommandError("--appointments must be 0 or more.")
    today = timezone.localdate()
    rng = random.Random(DEMO_SEED)  # noqa: S311 - demo data, not security
    meeting_room = Resource.objects.filter(slug=MEETING_ROOM_SLUG).first()
    organizations = list(Organization.objects.published().filter(is_demo=True).order_by("pk")[:50])

    advisors, created = create_demo_advisors(advisor_count, today=today, meeting_room=meeting_room)
    stdout.write(
        f"Demo advisors: {len(advisors)} in place ({created} created"
        f"{'' if meeting_room else '; no demo meeting room, so by phone and online'})."
    )
    link_demo_advisor_account(advisors, stdout)

    existing = Appointment.objects.filter(is_demo=True).count()
    planner = _Planner(advisors) if advisors else None
    curated = 0
    if planner and not existing and wanted:
        curated = create_curated_appointments(
            planner, today=today, rng=rng, organizations=organizations
        )
    missing = max(0, wanted - existing - curated)
    bulk = 0
    if planner and missing:
        bulk = create_bulk_appointments(
            missing,
            planner,
            today=today,
            rng=random.Random(DEMO_SEED + existing),  # noqa: S311 - demo data
            organizations=organizations,
        )
    if curated or bulk:
        stdout.write(
            f"Demo appointments: created {curated + bulk} (there were {existing}, wanted {wanted})."
        )
    else:
        stdout.write(f"Demo appointments: {existing} already there, none created.")

    trainings = create_demo_trainings(today=today, organizations=organizations)
    stdout.write(f"Demo trainings: {trainings} created ({len(TRAININGS)} wanted).")
