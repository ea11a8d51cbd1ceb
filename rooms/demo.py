"""Demo data of the rooms module (`seed_demo --bookings N`), every record marked demo.

The demo resources are created once; bookings are topped up to N, placed on
working days within the centre's opening hours so that none overlaps: the nearest
weeks first (so the calendars show something), then further back in the past.
They are written in bulk (50,000 in seconds), which is fine for demo rows made to
fit the rules; real bookings always go through `rooms.services.bookings.booking_create`.
"""

import datetime
import random

from cwop_portal.dates import at, working_days
from rooms.models import Booking, Equipment, Resource

DEFAULT_DEMO_BOOKINGS = 60
DEMO_SEED = 4242
BATCH = 2000

DEMO_RESOURCES = [
    {
        "slug": "sala-szkoleniowa-demo",
        "name_pl": "Sala szkoleniowa (demo)",
        "name_en": "Training room (demo)",
        "kind": Resource.Kind.TRAINING_ROOM,
        "capacity": 30,
        "equipment": ["projektor", "ekran", "flipchart", "wi-fi", "naglosnienie"],
        "requires_approval": True,
        "min_duration": 60,
        "max_duration": 480,
        "slot_step": 30,
        "monthly_quota_hours": 20,
        "description_pl": "Sala na szkolenia i warsztaty, ustawienie stołów do wyboru. "
        "**Opis demonstracyjny.**",
        "description_en": "A room for trainings and workshops; tables arranged as needed. "
        "**Demo description.**",
        "accessibility_pl": "Parter, wejście bez progów, pętla indukcyjna (dane demonstracyjne).",
        "accessibility_en": "Ground floor, step-free entrance, induction loop (demo data).",
        "house_rules_pl": "- Zostaw salę w takim stanie, w jakim ją zastałeś.\n"
        "- Klucz odbierz i oddaj w recepcji.\n- Regulamin demonstracyjny.",
        "house_rules_en": "- Leave the room as you found it.\n"
        "- Collect and return the key at the reception.\n- Demo rules.",
    },
    {
        "slug": "sala-spotkan-demo",
        "name_pl": "Sala spotkań (demo)",
        "name_en": "Meeting room (demo)",
        "kind": Resource.Kind.MEETING_ROOM,
        "capacity": 10,
        "equipment": ["tablica", "wi-fi"],
        "requires_approval": False,
        "min_duration": 30,
        "max_duration": 240,
        "slot_step": 30,
        "monthly_quota_hours": None,
        "description_pl": "Mała sala na zebrania zarządu. **Opis demonstracyjny.**",
        "description_en": "A small room for board meetings. **Demo description.**",
        "accessibility_pl": "Parter, wejście bez progów (dane demonstracyjne).",
        "accessibility_en": "Ground floor, step-free entrance (demo data).",
        "house_rules_pl": "",
        "house_rules_en": "",
    },
    {
        "slug": "stanowisko-pracy-demo",
        "name_pl": "Stanowisko pracy (demo)",
        "name_en": "Workstation (demo)",
        "kind": Resource.Kind.WORKSTATION,
        "capacity": 1,
        "equipment": ["komputer", "drukarka", "skaner", "kserokopiarka", "telefon", "wi-fi"],
        "requires_approval": False,
        "min_duration": 30,
        "max_duration": 240,
        "slot_step": 30,
        "monthly_quota_hours": 16,
        "description_pl": "Biurko z komputerem i sprzętem biurowym. **Opis demonstracyjny.**",
        "description_en": "A desk with a computer and office equipment. **Demo description.**",
        "accessibility_pl": "",
        "accessibility_en": "",
        "house_rules_pl": "",
        "house_rules_en": "",
    },
    {
        "slug": "tablica-ogloszen-demo",
        "name_pl": "Miejsce na tablicy ogłoszeń (demo)",
        "name_en": "Notice-board space (demo)",
        "kind": Resource.Kind.BOARD_SPACE,
        "capacity": 5,
        "equipment": [],
        "requires_approval": True,
        "min_duration": 1440,
        "max_duration": 14 * 1440,
        "slot_step": 60,
        "monthly_quota_hours": None,
        "description_pl": "Miejsce na plakat lub ulotki w holu. **Opis demonstracyjny.**",
        "description_en": "Space for a poster or leaflets in the hall. **Demo description.**",
        "accessibility_pl": "",
        "accessibility_en": "",
        "house_rules_pl": "",
        "house_rules_en": "",
    },
]

TITLES = [
    ("Zebranie zarządu", 6),
    ("Szkolenie dla wolontariuszy", 20),
    ("Warsztaty pisania wniosków", 15),
    ("Spotkanie członków", 12),
    ("Konsultacje projektu", 4),
    ("Praca biurowa", 1),
    ("Plakat wydarzenia", 1),
]


def add_demo_arguments(parser):
    parser.add_argument(
        "--bookings",
        type=int,
        default=DEFAULT_DEMO_BOOKINGS,
        metavar="N",
        help=(
            "How many demo room bookings there should be (default "
            f"{DEFAULT_DEMO_BOOKINGS}); only the missing ones are created."
        ),
    )


def create_demo_resources():
    equipment = {item.slug: item for item in Equipment.objects.all()}
    resources = []
    for position, spec in enumerate(DEMO_RESOURCES, start=1):
        spec = dict(spec)
        items = spec.pop("equipment")
        resource, created = Resource.objects.get_or_create(
            slug=spec.pop("slug"), defaults={**spec, "is_demo": True, "position": position * 10}
        )
        if created:
            resource.equipment.set([equipment[slug] for slug in items if slug in equipment])
        resources.append(resource)
    return resources


def _slots_for(resource, day):
    """Non-overlapping (start, end) on `day` for a demo resource."""
    if resource.books_whole_days:
        return [(at(day, datetime.time(0)), at(day + datetime.timedelta(days=1), datetime.time(0)))]
    if resource.capacity >= 20:
        hours = [(8, 10), (10, 12), (12, 14), (14, 16)]
    else:
        hours = [(8, 9), (9, 10), (10, 11), (11, 12), (12, 13), (13, 14), (14, 15), (15, 16)]
    return [(at(day, datetime.time(a)), at(day, datetime.time(b))) for a, b in hours]


def create_demo_bookings(count, *, resources, organizations, users, rng, today, occupied):
    """Bulk-create `count` demo bookings in free demo slots; returns how many."""
    if not (resources and organizations and count > 0):
        return 0
    created = 0
    batch = []
    # Near future first (every other slot, so the calendars show free time too),
    # then the past, going back as far as needed.
    days = list(
        working_days(today + datetime.timedelta(days=1), today + datetime.timedelta(days=40), 1)
    )
    past = working_days(today - datetime.timedelta(days=1), datetime.date(1990, 1, 1), -1)
    sequence = [(day, True) for day in days]

    def more_days():
        yield from sequence
        for day in past:
            yield day, False

    for day, is_future in more_days():
        for resource in resources:
            slots = _slots_for(resource, day)
            if is_future:
                slots = slots[::2]
            for start, end in slots:
                if created >= count:
                    break
                taken = occupied.get((resource.pk, day), ())
                if any(s < end and e > start for s, e in taken):
                    continue
                title, attendees = rng.choice(TITLES)
                status = Booking.Status.CONFIRMED
                cancelled_at = None
                roll = rng.random()
                if is_future and resource.requires_approval and roll < 0.3:
                    status = Booking.Status.PENDING
                elif roll < 0.05:
                    status = Booking.Status.CANCELLED
                    cancelled_at = start - datetime.timedelta(days=2)
                batch.append(
                    Booking(
                        resource=resource,
                        organization=rng.choice(organizations),
                        start=start,
                        end=end,
                        status=status,
                        title=f"{title} (demo)",
                        attendees=min(attendees, resource.capacity),
                        created_by=rng.choice(users) if users else None,
                        cancelled_at=cancelled_at,
                        is_demo=True,
                        created_at=start - datetime.timedelta(days=7),
                    )
                )
                occupied.setdefault((resource.pk, day), []).append((start, end))
                created += 1
                if len(batch) >= BATCH:
                    Booking.objects.bulk_create(batch)
                    batch = []
        if created >= count:
            break
    if batch:
        Booking.objects.bulk_create(batch)
    return created


def seed_demo(*, options, stdout):
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError
    from django.utils import timezone

    from organizations.models import Organization

    wanted = options.get("bookings", DEFAULT_DEMO_BOOKINGS)
    if wanted < 0:
        raise CommandError("--bookings must be 0 or more.")
    resources = create_demo_resources()
    stdout.write(f"Demo rooms: {len(resources)} demo resources in place.")
    existing = Booking.objects.filter(is_demo=True).count()
    missing = max(0, wanted - existing)
    if not missing:
        stdout.write(f"Demo bookings: {existing} already there, none created.")
        return
    organizations = list(Organization.objects.published().filter(is_demo=True).order_by("pk")[:200])
    if not organizations:
        stdout.write("Demo bookings: no published demo organisation, none created.")
        return
    users = list(get_user_model().objects.filter(is_demo=True).order_by("pk"))
    occupied = {}
    rows = Booking.objects.active().filter(resource__in=resources)
    for resource_id, start, end in rows.values_list("resource_id", "start", "end"):
        day = timezone.localtime(start).date()
        occupied.setdefault((resource_id, day), []).append((start, end))
    created = create_demo_bookings(
        missing,
        resources=resources,
        organizations=organizations,
        users=users,
        rng=random.Random(DEMO_SEED + existing),  # noqa: S311 - demo data, not security
        today=timezone.localdate(),
        occupied=occupied,
    )
    stdout.write(f"Demo bookings: created {created} (there were {existing}, wanted {wanted}).")
