"""Rooms, as people use them: a member books a training room for next Tuesday
10:00–12:00 from the week calendar, staff approve it in the admin, the member
gets the e-mail with the calendar file, the slot shows as taken, a second
organisation cannot take it, and a weekly series reports its conflicts."""

import datetime
import re

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from cwop_portal.dates import polish_holidays
from rooms.models import Booking

pytestmark = pytest.mark.browser


def next_free_tuesday(*, not_before, avoid=None):
    """The first Tuesday from `not_before` on that is not `avoid`, with it and the
    two Tuesdays after it not public holidays (a series books three of them)."""
    day = not_before + datetime.timedelta(days=(1 - not_before.weekday()) % 7)
    closed = polish_holidays(range(day.year, day.year + 2))
    while day == avoid or any(day + datetime.timedelta(weeks=k) in closed for k in range(3)):
        day += datetime.timedelta(days=7)
    return day


def week_of(day):
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def staff_page_for(browser, live_server, client, staff):
    context = browser.new_context(base_url=live_server.url)
    client.force_login(staff)
    context.add_cookies(
        [{"name": "sessionid", "value": client.cookies["sessionid"].value, "url": live_server.url}]
    )
    return context, context.new_page()


@pytest.mark.parametrize("language", ["pl", "en"])
def test_member_books_staff_approve_slot_is_taken_for_others(
    page, browser, live_server, log_in, world, staff, client, mailoutbox, language
):
    polish = language == "pl"
    prefix = "" if polish else "/en"
    tuesday = next_free_tuesday(
        not_before=timezone.localdate() + datetime.timedelta(days=2),
        avoid=world.booking.local_start.date(),
    )
    log_in(world.personas["ngo_member"])
    page.goto(f"{prefix}/sale/")
    page.get_by_role("link", name="Sala szkoleniowa" if polish else "Training room").click()
    page.goto(f"{prefix}/sale/{world.resource.slug}/?tydzien={week_of(tuesday)}")
    weekday = "wtorek" if polish else "Tuesday"
    page.get_by_role("link", name=re.compile(rf"{weekday}.*10:00", re.I)).click()

    expect(page.get_by_label(re.compile("^\\s*Data" if polish else "^\\s*Date"))).to_have_value(
        tuesday.isoformat()
    )
    page.get_by_label(re.compile("Godzina zakończenia" if polish else "End time")).fill("12:00")
    page.get_by_label(re.compile("^\\s*Cel" if polish else "^\\s*Purpose")).fill("Walne zebranie")
    page.get_by_label(re.compile("Przewidywana liczba" if polish else "Expected attendees")).fill(
        "12"
    )
    page.get_by_label(re.compile("regulamin" if polish else "house rules", re.I)).check()
    page.get_by_role("button", name="Zarezerwuj" if polish else "Book", exact=True).click()
    expect(page.locator(".alert-success")).to_be_visible()
    booking = Booking.objects.get(title="Walne zebranie")
    assert booking.status == Booking.Status.PENDING
    assert timezone.localtime(booking.start).time() == datetime.time(10)

    # Staff approve it in the admin.
    mailoutbox.clear()
    staff_context, staff_page = staff_page_for(browser, live_server, client, staff)
    staff_page.goto("/admin/rooms/booking/?status__exact=pending")
    staff_page.locator(f'input[name="_selected_action"][value="{booking.pk}"]').check()
    staff_page.locator('select[name="action"]').select_option("approve")
    staff_page.locator('button[name="index"]').click()
    expect(staff_page.locator(".messagelist")).to_be_visible()
    staff_context.close()
    booking.refresh_from_db()
    assert booking.status == Booking.Status.CONFIRMED

    # The member's e-mail carries the calendar file.
    message = next(m for m in mailoutbox if world.personas["ngo_member"].email in m.to)
    _name, content, mimetype = message.attachments[0]
    assert mimetype == "text/calendar"
    event = Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == booking.start
    assert str(event["status"]) == "CONFIRMED"

    # Another organisation sees the slot as taken and cannot book it.
    log_in(world.personas["other_ngo_member"])
    page.goto(f"{prefix}/sale/{world.resource.slug}/?tydzien={week_of(tuesday)}")
    expect(page.get_by_role("link", name=re.compile(rf"{weekday}.*10:00", re.I))).to_have_count(0)
    page.goto(f"{prefix}/sale/{world.resource.slug}/rezerwuj/?start={tuesday.isoformat()}T10:30")
    page.get_by_label(re.compile("Godzina zakończenia" if polish else "End time")).fill("11:30")
    page.get_by_label(re.compile("^\\s*Cel" if polish else "^\\s*Purpose")).fill("Próba")
    page.get_by_label(re.compile("regulamin" if polish else "house rules", re.I)).check()
    page.get_by_role("button", name="Zarezerwuj" if polish else "Book", exact=True).click()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("zarezerwował" if polish else "booked")
    assert Booking.objects.filter(title="Próba").count() == 0


def test_weekly_series_reports_its_conflicts(page, log_in, world):
    # After the world's own booking, so the three Tuesdays are free but one.
    tuesday = next_free_tuesday(
        not_before=world.booking.local_start.date() + datetime.timedelta(days=1)
    )
    taken = tuesday + datetime.timedelta(weeks=1)
    Booking.objects.create(
        resource=world.resource,
        organization=world.other_organization,
        start=timezone.make_aware(datetime.datetime.combine(taken, datetime.time(10))),
        end=timezone.make_aware(datetime.datetime.combine(taken, datetime.time(12))),
        status=Booking.Status.CONFIRMED,
        title="Cudza rezerwacja",
    )
    log_in(world.personas["ngo_member"])
    page.goto(f"/sale/{world.resource.slug}/rezerwuj/?start={tuesday.isoformat()}T10:00")
    page.get_by_label(re.compile("Godzina zakończenia")).fill("12:00")
    page.get_by_label(re.compile(r"^\s*Cel")).fill("Próby chóru")
    page.get_by_label(re.compile(r"^\s*Powtarzaj\s*$")).select_option(label="co tydzień")
    page.get_by_label(re.compile("Powtarzaj do")).fill(
        (tuesday + datetime.timedelta(weeks=2)).isoformat()
    )
    page.get_by_label(re.compile("regulamin", re.I)).check()
    page.get_by_role("button", name="Zarezerwuj", exact=True).click()
    plan = page.locator("#series-plan")
    expect(plan).to_contain_text("Wolne terminy: 2 z 3")
    expect(plan).to_contain_text("Już zarezerwowane")
    page.get_by_role("button", name=re.compile("Zarezerwuj tylko")).click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert Booking.objects.filter(title="Próby chóru").count() == 2
