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
from rooms.models import Booking, Closure, OpeningHours
from rooms.schedule import Schedule

# How far the pages look for free slots (the "next 8 weeks").
LISTING_WEEKS = 8


@dataclass(frozen=True)
class Slot:
    advisor: Advisor
    start: datetime.datetime  # aware, on the local clock
    end: datetime.datetime
    mode: str
    room: object = None  # rooms.models.Resource for a slot in person

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


def free_slots(*, advisors, first_day, last_day, now=None):
    """The free slots of `advisors` from `first_day` to `last_day` (local dates,
    inclusive), sorted by start (then advisor). Inactive advisors have none."""
    now = now or timezone.now()
    advisors = [advisor for advisor in advisors if advisor.is_active]
    if not advisors or last_day < first_day:
        return []
    settings_row = ConsultationSettings.load()
    earliest, latest = booking_window(settings_row, now)
    zone = local_zone()
    first_day = max(first_day, earliest.astimezone(zone).date())
    last_day = min(last_day, latest.astimezone(zone).date())
    if last_day < first_day:
        return []
    by_pk = {advisor.pk: advisor for advisor in advisors}
    range_start, range_end = start_of_day(first_day), start_of_day(last_day + DAY)

    rules = defaultdict(list)  # (advisor pk, weekday) -> rules
    for rule in (
        AvailabilityRule.objects.filter(advisor_id__in=by_pk, valid_from__lte=last_day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first_day))
        .select_related("room")
        .order_by("starts", "pk")
    ):
        rules[(rule.advisor_id, rule.weekday)].append(rule)
    extras, days_off = defaultdict(list), defaultdict(list)  # (advisor pk, date) -> rows
    for exception in AvailabilityException.objects.filter(
        advisor_id__in=by_pk, date__gte=first_day, date__lte=last_day
    ).select_related("room"):
        key = (exception.advisor_id, exception.date)
        if exception.kind == AvailabilityException.Kind.EXTRA:
            extras[key].append(exception)
        else:
            days_off[key].append(exception)

    busy = defaultdict(list)  # advisor pk -> [(start, end)]
    for advisor_id, start, end in (
        Appointment.objects.filter(
            advisor_id__in=by_pk,
            status__in=Appointment.BUSY_STATUSES,
            start__lt=range_end,
            end__gt=range_start,
        )
        .exclude(status=Appointment.Status.HELD, held_until__lte=now)
        .values_list("advisor_id", "start", "end")
    ):
        busy[advisor_id].append((start, end))

    rooms = {
        row.room.pk: row.room
        for rows in (*rules.values(), *extras.values())
        for row in rows
        if row.mode == Mode.IN_PERSON and row.room is not None
    }
    closure_rows = list(
        Closure.objects.filter(start_date__lte=last_day, end_date__gte=first_day).order_by(
            "start_date", "pk"
        )
    )
    room_busy = defaultdict(list)  # room pk -> [(start, end)]
    schedules = {}
    if rooms:
        hour_rows = list(OpeningHours.objects.all())
        schedules = {
            pk: Schedule(room, first_day, last_day, preloaded=(hour_rows, closure_rows))
            for pk, room in rooms.items()
        }
        stale_hold = Q(
            appointment__status=Appointment.Status.HELD, appointment__held_until__lte=now
        )
        for resource_id, start, end in (
            Booking.objects.active()
            .filter(resource_id__in=rooms, start__lt=range_end, end__gt=range_start)
            .exclude(stale_hold)
            .values_list("resource_id", "start", "end")
        ):
            room_busy[resource_id].append((start, end))
    centre_closed = set()
    for closure in closure_rows:
        if closure.resource_id is None:
            day = max(closure.start_date, first_day)
            while day <= min(closure.end_date, last_day):
                centre_closed.add(day)
                day += DAY
    holidays = polish_holidays(range(first_day.year, last_day.year + 1))

    slots_by_advisor = defaultdict(list)
    day = first_day
    while day <= last_day:
        if day in holidays or day in centre_closed:
            day += DAY
            continue
        weekday = day.weekday()
        for advisor_pk, advisor in by_pk.items():
            offs = days_off.get((advisor_pk, day), ())
            if any(off.starts is None for off in offs):
                continue
            sources = [
                rule
                for rule in rules.get((advisor_pk, weekday), ())
                if rule.valid_from <= day and (rule.valid_until is None or day <= rule.valid_until)
            ]
            sources += extras.get((advisor_pk, day), ())
            seen = set()
            day_slots = []
            for source in sources:
                room = source.room if source.mode == Mode.IN_PERSON else None
                if source.mode == Mode.IN_PERSON and room is None:
                    continue
                for start, end in _cut(
                    day, source.starts, source.ends, source.slot_minutes, source.buffer_minutes
                ):
                    if start < earliest or start > latest or start in seen:
                        continue
                    seen.add(start)
                    day_slots.append(Slot(advisor, start, end, source.mode, room))
            if offs:
                off_times = [(at(day, off.starts), at(day, off.ends)) for off in offs]
                day_slots = [
                    slot
                    for slot in day_slots
                    if not any(s < slot.end and e > slot.start for s, e in off_times)
                ]
            slots_by_advisor[advisor_pk].extend(day_slots)
        day += DAY

    # The advisor's own appointments, then each room's bookings: one sweep each.
    by_room = defaultdict(list)
    result = []
    for advisor_pk, candidates in slots_by_advisor.items():
        candidates.sort(key=lambda slot: slot.start)
        for slot in _without_overlaps(candidates, busy.get(advisor_pk)):
            if slot.room is None:
                result.append(slot)
            else:
                by_room[slot.room.pk].append(slot)
    for room_pk, candidates in by_room.items():
        room, schedule = rooms[room_pk], schedules[room_pk]
        if not room.is_active:
            continue
        held = []
        for slot in candidates:
            hold = room_hold(room, slot.start, slot.end)
            if hold is None:
                continue
            status = schedule.day(slot.day)
            if not status.is_open or hold[0] < status.opens or hold[1] > status.closes:
                continue
            held.append((hold, slot))
        held.sort(key=lambda pair: pair[0])
        result.extend(
            slot for _hold, slot in _without_overlaps(held, room_busy.get(room_pk), lambda p: p[0])
        )
    result.sort(key=lambda slot: (slot.start, slot.advisor.name, slot.advisor.pk))
    return result


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
