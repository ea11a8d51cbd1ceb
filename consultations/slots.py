"""Free appointment slots, computed from the advisors' rules; never stored.

A slot is offered when all of these hold:

- an active rule of the advisor applies on that day (weekday, valid from–until), or
  an "extra hours" exception adds it; the rule's hours are cut into slots of
  `slot_minutes`, one every `slot_minutes + buffer_minutes` from the rule's start,
  on the local (Europe/Warsaw) clock, so 10:00 stays 10:00 across summer time;
- no "day off" exception of the advisor covers it (the whole day, or its times);
- the day is no Polish public holiday and no closure of the whole centre;
- it starts inside the booking window (`ConsultationSettings`: at least
  `booking_notice_hours` from now, at most `booking_horizon_days` ahead);
- the advisor has no busy appointment overlapping it (a held one counts only until
  its `held_until`);
- for a slot in person: its room is active, open (its own closures and opening
  hours, `rooms.schedule.Schedule`) and not booked for the slot's room hold (the
  slot rounded out to the room's slot grid, see `room_hold`) by anybody.

`free_slots` reads everything for any number of advisors and days with a fixed
number of queries (settings, rules, exceptions, appointments, room bookings,
opening hours, closures) and then works in Python: per advisor and day it builds
the candidate slots, and removes the busy ones by sweeping sorted, merged busy
intervals, never by comparing every slot with every appointment.
"""

import datetime
import functools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language

from consultations.models import (
    Advisor,
    Appointment,
    AvailabilityException,
    AvailabilityRule,
    ConsultationSettings,
    Mode,
)
from cwop_portal import params
from cwop_portal.dates import DAY, at, local, local_zone, polish_holidays, start_of_day
from rooms.models import Booking, Closure, OpeningHours, Resource
from rooms.schedule import Schedule

# How far the pages look for free slots (the "next 8 weeks").
LISTING_WEEKS = 8


@dataclass(frozen=True)
class Slot:
    advisor: Advisor
    start: datetime.datetime  # aware, on the local clock
    end: datetime.datetime
    mode: str
    room: Resource | None = None  # for a slot in person

    @property
    def local_start(self):
        return local(self.start)

    @property
    def local_end(self):
        return local(self.end)

    @property
    def param(self):
        """The slot's start as the booking form's `?start=` expects it."""
        return self.local_start.strftime("%Y-%m-%dT%H:%M")

    @property
    def day(self):
        return self.local_start.date()

    def get_mode_display(self):
        return Mode(self.mode).label

    # Texts for the pages, made here: lists show a hundred slots, and template
    # filters and includes per slot cost more than the slots themselves.
    @property
    def iso(self):
        return self.local_start.isoformat(timespec="seconds")

    @property
    def time_label(self):
        """e.g. "wtorek, 1 grudnia, 09:00–09:45" in the active language."""
        local_start, local_end = self.local_start, self.local_end
        return (
            f"{_day_label(local_start.date(), get_language())}, "
            f"{local_start:%H:%M}–{local_end:%H:%M}"
        )

    @property
    def hours_label(self):
        return f"{self.local_start:%H:%M}–{self.local_end:%H:%M}"

    @property
    def book_path(self):
        """The booking form's address for this slot (without a topic)."""
        return f"{_book_base(self.advisor.slug, get_language())}?start={quote(self.param)}"

    @property
    def mode_label(self):
        label = str(self.get_mode_display())
        return f"{label} ({self.room.name})" if self.room else label


@functools.lru_cache(maxsize=1024)
def _book_base(slug, language):
    """The booking form's path of an advisor; `language` is part of the cache key."""
    return reverse("consultations:appointment_book", args=[slug])


@functools.lru_cache(maxsize=1024)
def _day_label(day, language):
    """The day as the pages write it; `language` is part of the cache key."""
    return date_format(day, "l, j E")


def parse_start(value):
    """An aware datetime from a `?start=` value (local time if no offset), or None
    (also for years no page shows: a tampered value, not a slot)."""
    return params.parse_local_datetime(value, local_zone())


def booking_window(settings_row, now):
    """(earliest, latest) start of a bookable slot."""
    earliest = now + datetime.timedelta(hours=settings_row.booking_notice_hours)
    latest = now + datetime.timedelta(days=settings_row.booking_horizon_days)
    return earliest, latest


def _minutes(time):
    return time.hour * 60 + time.minute


def _clock(minutes):
    return datetime.time(minutes // 60, minutes % 60)


def room_hold(room, start, end):
    """(start, end) of the room booking that holds `room` for a slot: the slot
    rounded out to the room's slot grid and stretched to its shortest booking, or
    None when the room's rules cannot hold it (too long, past midnight)."""
    zone = local_zone()
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    day = local_start.date()
    if local_end.date() != day and _minutes(local_end.time()) != 0:
        return None
    step = room.slot_step or 1
    first = _minutes(local_start.time())
    last = _minutes(local_end.time()) if local_end.date() == day else 24 * 60
    first -= first % step
    last = -(-last // step) * step
    if last - first < room.min_duration:
        last = first + -(-room.min_duration // step) * step
    if last - first > room.max_duration or last >= 24 * 60:
        return None
    return at(day, _clock(first)), at(day, _clock(last))


def _merged(intervals):
    """Sorted, merged (start, end) intervals: their ends then grow with their starts."""
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            if end > merged[-1][1]:
                merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _without_overlaps(candidates, busy, span=lambda c: (c.start, c.end)):
    """The candidates (sorted by span start) that overlap no busy interval; one sweep."""
    if not busy:
        return list(candidates)
    busy = _merged(busy)
    kept, index = [], 0
    for candidate in candidates:
        start, end = span(candidate)
        while index < len(busy) and busy[index][1] <= start:
            index += 1
        if index < len(busy) and busy[index][0] < end:
            continue
        kept.append(candidate)
    return kept


def _exists(moment):
    """Whether a local wall-clock time exists (not in the hour skipped in spring)."""
    back = moment.astimezone(datetime.UTC).astimezone(moment.tzinfo)
    return back.replace(tzinfo=None) == moment.replace(tzinfo=None)


def _cut(day, starts, ends, slot_minutes, buffer_minutes):
    """(start, end) of each slot from `starts` to `ends` on `day`, local clock."""
    result = []
    step = slot_minutes + max(buffer_minutes, 0)
    minute, last = _minutes(starts), _minutes(ends)
    while minute + slot_minutes <= last:
        start, end = at(day, _clock(minute)), at(day, _clock(minute + slot_minutes))
        # Skip a slot the change to or from summer time bends (the night's 02:00–03:00
        # hour is skipped or repeated): its local times must exist, and it must last
        # as long as it says. (Aware datetimes of one zone subtract on the wall clock,
        # hence UTC.)
        if (
            _exists(start)
            and _exists(end)
            and end.astimezone(datetime.UTC) - start.astimezone(datetime.UTC)
            == datetime.timedelta(minutes=slot_minutes)
        ):
            result.append((start, end))
        minute += step
    return result


def free_slots(
    *,
    advisors: Iterable[Advisor],
    first_day: datetime.date,
    last_day: datetime.date,
    now: datetime.datetime | None = None,
) -> list[Slot]:
    """The free slots of `advisors` from `first_day` to `last_day` (local dates,
    inclusive), sorted by start (then advisor). Inactive advisors have none."""
    now = now or timezone.now()
    by_pk = {advisor.pk: advisor for advisor in advisors if advisor.is_active}
    if not by_pk or last_day < first_day:
        return []
    earliest, latest = booking_window(ConsultationSettings.load(), now)
    first_day, last_day = _days_in_window(first_day, last_day, earliest, latest)
    if last_day < first_day:
        return []
    range_start, range_end = start_of_day(first_day), start_of_day(last_day + DAY)
    availability = _availability(by_pk, first_day, last_day)
    busy = _advisors_busy(by_pk, range_start, range_end, now)
    rooms = availability.rooms()
    closure_rows = _closure_rows(first_day, last_day)
    schedules = _room_schedules(rooms, first_day, last_day, closure_rows)
    room_busy = _rooms_busy(rooms, range_start, range_end, now)
    days = _open_days(first_day, last_day, closure_rows)
    candidates = _candidates(by_pk, days, availability, earliest, latest)
    result, by_room = _free_of_appointments(candidates, busy)
    for room_pk, room_slots in by_room.items():
        result += _free_in_room(
            rooms[room_pk], schedules[room_pk], room_slots, room_busy.get(room_pk)
        )
    result.sort(key=lambda slot: (slot.start, slot.advisor.name, slot.advisor.pk))
    return result


def _days_in_window(
    first_day: datetime.date,
    last_day: datetime.date,
    earliest: datetime.datetime,
    latest: datetime.datetime,
) -> tuple[datetime.date, datetime.date]:
    """The asked days cut to those the booking window reaches (none when
    `last_day` comes out before `first_day`)."""
    zone = local_zone()
    return (
        max(first_day, earliest.astimezone(zone).date()),
        min(last_day, latest.astimezone(zone).date()),
    )


@dataclass(frozen=True)
class _Availability:
    """The advisors' rules and exceptions over the days asked, by day."""

    rules: dict[tuple[int, int], list[AvailabilityRule]]  # (advisor pk, weekday), by start
    extras: dict[tuple[int, datetime.date], list[AvailabilityException]]  # "extra hours"
    days_off: dict[tuple[int, datetime.date], list[AvailabilityException]]  # "day off"

    def sources(
        self, advisor_pk: int, day: datetime.date
    ) -> list[AvailabilityRule | AvailabilityException]:
        """The rules valid on `day` and the day's extra hours: what slots are cut from."""
        sources: list[AvailabilityRule | AvailabilityException] = [
            rule
            for rule in self.rules.get((advisor_pk, day.weekday()), ())
            if rule.valid_from <= day and (rule.valid_until is None or day <= rule.valid_until)
        ]
        return sources + list(self.extras.get((advisor_pk, day), ()))

    def rooms(self) -> dict[int, Resource]:
        """{pk: room} of every room a slot in person may be held in."""
        rows: list[AvailabilityRule | AvailabilityException] = [
            rule for rules in self.rules.values() for rule in rules
        ]
        rows += [extra for extras in self.extras.values() for extra in extras]
        return {
            row.room.pk: row.room
            for row in rows
            if row.mode == Mode.IN_PERSON and row.room is not None
        }


def _availability(
    advisor_pks: Iterable[int], first_day: datetime.date, last_day: datetime.date
) -> _Availability:
    """The rules and exceptions of the advisors in the days: two queries."""
    rules: defaultdict[tuple[int, int], list[AvailabilityRule]] = defaultdict(list)
    for rule in (
        AvailabilityRule.objects.filter(advisor_id__in=advisor_pks, valid_from__lte=last_day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
        .select_related("room")
        .order_by("starts", "pk")
    ):
        rules[(rule.advisor_id, rule.weekday)].append(rule)
    extras: defaultdict[tuple[int, datetime.date], list[AvailabilityException]]
    extras, days_off = defaultdict(list), defaultdict(list)
    for exception in AvailabilityException.objects.filter(
        advisor_id__in=advisor_pks, date__gte=first_day, date__lte=last_day
    ).select_related("room"):
        key = (exception.advisor_id, exception.date)
        if exception.kind == AvailabilityException.Kind.EXTRA:
            extras[key].append(exception)
        else:
            days_off[key].append(exception)
    return _Availability(rules, extras, days_off)


def _advisors_busy(
    advisor_pks: Iterable[int],
    range_start: datetime.datetime,
    range_end: datetime.datetime,
    now: datetime.datetime,
) -> dict[int, list[tuple[datetime.datetime, datetime.datetime]]]:
    """{advisor pk: [(start, end)]} of the appointments that keep an advisor busy
    (a held one only until its `held_until`): one query."""
    busy: defaultdict[int, list[tuple[datetime.datetime, datetime.datetime]]]
    busy = defaultdict(list)
    for advisor_id, start, end in (
        Appointment.objects.filter(
            advisor_id__in=advisor_pks,
            status__in=Appointment.ACTIVE_STATUSES,
            start__lt=range_end,
            end__gt=range_start,
        )
        .exclude(status=Appointment.Status.HELD, held_until__lte=now)
        .values_list("advisor_id", "start", "end")
    ):
        busy[advisor_id].append((start, end))
    return busy


def _closure_rows(first_day: datetime.date, last_day: datetime.date) -> list[Closure]:
    """The closures (of the whole centre or of one room) touching the days: one
    query, read once for the open days and for the rooms' schedules."""
    return list(
        Closure.objects.filter(start_date__lte=last_day, end_date__gte=first_day).order_by(
            "start_date", "pk"
        )
    )


def _room_schedules(
    rooms: dict[int, Resource],
    first_day: datetime.date,
    last_day: datetime.date,
    closure_rows: list[Closure],
) -> dict[int, Schedule]:
    """{room pk: Schedule} over the days, from one query for all opening hours
    and the closures already read (none without rooms)."""
    if not rooms:
        return {}
    hour_rows = list(OpeningHours.objects.all())
    return {
        pk: Schedule(room, first_day, last_day, preloaded=(hour_rows, closure_rows))
        for pk, room in rooms.items()
    }


def _rooms_busy(
    rooms: dict[int, Resource],
    range_start: datetime.datetime,
    range_end: datetime.datetime,
    now: datetime.datetime,
) -> dict[int, list[tuple[datetime.datetime, datetime.datetime]]]:
    """{room pk: [(start, end)]} of the rooms' active bookings, but for the holds
    of appointments whose hold has run out: one query (none without rooms)."""
    room_busy: defaultdict[int, list[tuple[datetime.datetime, datetime.datetime]]]
    room_busy = defaultdict(list)
    if not rooms:
        return room_busy
    stale_hold = Q(appointment__status=Appointment.Status.HELD, appointment__held_until__lte=now)
    for resource_id, start, end in (
        Booking.objects.active()
        .filter(resource_id__in=rooms, start__lt=range_end, end__gt=range_start)
        .exclude(stale_hold)
        .values_list("resource_id", "start", "end")
    ):
        room_busy[resource_id].append((start, end))
    return room_busy


def _open_days(
    first_day: datetime.date, last_day: datetime.date, closure_rows: list[Closure]
) -> list[datetime.date]:
    """The days from `first_day` to `last_day` that are neither a Polish public
    holiday nor a day the whole centre is closed."""
    closed: set[datetime.date] = set(polish_holidays(range(first_day.year, last_day.year + 1)))
    for closure in closure_rows:
        if closure.resource_id is None:
            day = max(closure.start_date, first_day)
            while day <= min(closure.end_date, last_day):
                closed.add(day)
                day += DAY
    days, day = [], first_day
    while day <= last_day:
        if day not in closed:
            days.append(day)
        day += DAY
    return days


def _candidates(
    advisors_by_pk: dict[int, Advisor],
    days: list[datetime.date],
    availability: _Availability,
    earliest: datetime.datetime,
    latest: datetime.datetime,
) -> dict[int, list[Slot]]:
    """{advisor pk: [slots]}: each open day's rules and extra hours cut into
    slots, without the days off, inside the booking window."""
    slots_by_advisor: defaultdict[int, list[Slot]] = defaultdict(list)
    for day in days:
        for advisor_pk, advisor in advisors_by_pk.items():
            offs = availability.days_off.get((advisor_pk, day), ())
            if any(off.starts is None for off in offs):
                continue  # the whole day off
            day_slots = _cut_sources(advisor, day, availability.sources(advisor_pk, day))
            day_slots = _in_window(day_slots, earliest, latest)
            slots_by_advisor[advisor_pk].extend(_without_hours_off(day_slots, day, offs))
    return slots_by_advisor


def _cut_sources(
    advisor: Advisor,
    day: datetime.date,
    sources: Sequence[AvailabilityRule | AvailabilityException],
) -> list[Slot]:
    """The slots of the day's rules and extra hours, one per start (the first
    source giving a start wins); an in-person source without a room gives none."""
    seen: set[datetime.datetime] = set()
    slots: list[Slot] = []
    for source in sources:
        room = source.room if source.mode == Mode.IN_PERSON else None
        if source.mode == Mode.IN_PERSON and room is None:
            continue
        for start, end in _cut(
            day, source.starts, source.ends, source.slot_minutes, source.buffer_minutes
        ):
            if start not in seen:
                seen.add(start)
                slots.append(Slot(advisor, start, end, source.mode, room))
    return slots


def _in_window(
    slots: list[Slot], earliest: datetime.datetime, latest: datetime.datetime
) -> list[Slot]:
    """The slots starting inside the booking window: not past, not too soon,
    not beyond the horizon."""
    return [slot for slot in slots if earliest <= slot.start <= latest]


def _without_hours_off(
    slots: list[Slot], day: datetime.date, offs: Sequence[AvailabilityException]
) -> list[Slot]:
    """The slots that no "day off" exception for some hours of `day` touches."""
    if not offs:
        return slots
    off_times = [
        (at(day, off.starts), at(day, off.ends))
        for off in offs
        if off.starts is not None and off.ends is not None
    ]
    return [
        slot for slot in slots if not any(s < slot.end and e > slot.start for s, e in off_times)
    ]


def _free_of_appointments(
    slots_by_advisor: dict[int, list[Slot]],
    busy: dict[int, list[tuple[datetime.datetime, datetime.datetime]]],
) -> tuple[list[Slot], dict[int, list[Slot]]]:
    """(the free slots without a room, {room pk: free slots in that room}): each
    advisor's slots without those their own appointments overlap, in one sweep."""
    free: list[Slot] = []
    by_room: defaultdict[int, list[Slot]] = defaultdict(list)
    for advisor_pk, candidates in slots_by_advisor.items():
        candidates.sort(key=lambda slot: slot.start)
        for slot in _without_overlaps(candidates, busy.get(advisor_pk)):
            if slot.room is None:
                free.append(slot)
            else:
                by_room[slot.room.pk].append(slot)
    return free, by_room


def _free_in_room(
    room: Resource,
    schedule: Schedule,
    slots: list[Slot],
    bookings: list[tuple[datetime.datetime, datetime.datetime]] | None,
) -> list[Slot]:
    """The slots whose room hold the room can take: the room active, open for the
    whole hold, and no booking overlapping it (one sweep)."""
    if not room.is_active:
        return []
    held: list[tuple[tuple[datetime.datetime, datetime.datetime], Slot]] = []
    for slot in slots:
        hold = room_hold(room, slot.start, slot.end)
        if hold is None:
            continue
        status = schedule.day(slot.day)
        if not status.is_open or hold[0] < status.opens or hold[1] > status.closes:
            continue
        held.append((hold, slot))
    held.sort(key=lambda pair: pair[0])
    return [slot for _hold, slot in _without_overlaps(held, bookings, lambda pair: pair[0])]


def slots_ahead(*, advisors, now=None, weeks=LISTING_WEEKS):
    """Free slots from today over the next `weeks` weeks (the pages' listing)."""
    now = now or timezone.now()
    today = local(now).date()
    return free_slots(
        advisors=advisors,
        first_day=today,
        last_day=today + datetime.timedelta(weeks=weeks) - DAY,
        now=now,
    )


def nearest_free_slots(*, advisors, after, limit=5, now=None):
    """The `limit` free slots nearest in time to `after` (earlier ones on the same
    or the days before count too, if still bookable), sorted by start: what to
    offer when the slot at `after` has just been taken."""
    now = now or timezone.now()
    zone = local_zone()
    today = now.astimezone(zone).date()
    settings_row = ConsultationSettings.load()
    last_day = (now + datetime.timedelta(days=settings_row.booking_horizon_days)).astimezone(zone)
    slots = free_slots(advisors=advisors, first_day=today, last_day=last_day.date(), now=now)
    nearest = sorted(slots, key=lambda slot: (abs(slot.start - after), slot.start))[:limit]
    return sorted(nearest, key=lambda slot: (slot.start, slot.advisor.pk))


def group_by_day(slots):
    """[(date, [slots])] in order, for the pages' lists of free times."""
    days = []
    for slot in slots:
        if days and days[-1][0] == slot.day:
            days[-1][1].append(slot)
        else:
            days.append((slot.day, [slot]))
    return days
