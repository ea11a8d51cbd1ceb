"""Consultations and trainings, as people use them: a resident with no account
books a fundraising consultation, confirms the e-mail, gets the calendar file,
cancels by the link and the time is free again; a member registers two people for
a training until it is full, a third waits and gets the seat when one cancels."""

import re

import pytest
from icalendar import Calendar
from playwright.sync_api import expect

from consultations.models import Appointment, Registration

pytestmark = pytest.mark.browser

LINK = re.compile(r"https?://[^\s]+")


def link_in(message, path_part):
    return next(url for url in LINK.findall(message.body) if path_part in url)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


def test_resident_books_confirms_gets_the_calendar_cancels_and_the_time_is_free_again(
    page, world, mailoutbox
):
    mailoutbox.clear()
    page.goto("/konsultacje/")
    page.get_by_label("Temat").select_option(label="Pozyskiwanie funduszy")
    page.get_by_role("button", name="Pokaż").click()
    page.get_by_role("link", name=world.advisor.name).first.click()
    expect(page.locator("h1")).to_have_text(world.advisor.name)
    first_slot = page.locator("main a.btn-outline-primary").first
    slot_text = first_slot.inner_text().split("\n")[0].strip()
    first_slot.click()

    page.get_by_label(re.compile("Imię i nazwisko|Twoje imię")).fill("Maria Mieszkanka")
    page.get_by_label(re.compile("Twój adres e-mail")).fill("maria@example.org")
    page.get_by_label(re.compile("^\\s*Telefon")).fill("500 100 200")
    page.get_by_label(re.compile("Twoje pytanie")).fill("Jak znaleźć grant na świetlicę?")
    page.locator("input[name=consent]").check()
    page.get_by_role("button", name="Zarezerwuj konsultację").click()

    appointment = Appointment.objects.get(client_email="maria@example.org")
    assert appointment.status == Appointment.Status.HELD
    confirm = link_in(mailoutbox[-1], "/potwierdz/")
    page.goto(path_of(confirm))
    page.get_by_role("button", name="Potwierdź wizytę").click()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CONFIRMED

    confirmed = next(m for m in mailoutbox if "maria@example.org" in m.to and "/wizyta/" in m.body)
    event = Calendar.from_ical(confirmed.attachments[0][1]).walk("VEVENT")[0]
    assert event.decoded("dtstart") == appointment.start

    page.goto(path_of(link_in(confirmed, "/wizyta/")))
    page.get_by_role("button", name="Odwołaj wizytę").click()
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.CANCELLED

    # The time is offered again.
    page.goto(f"/konsultacje/doradcy/{world.advisor.slug}/")
    expect(page.locator("main a.btn-outline-primary").first).to_contain_text(slot_text)


def test_member_registers_two_then_a_third_waits_and_gets_the_seat_when_one_cancels(
    page, log_in, world, mailoutbox
):
    training = world.training
    Registration.objects.filter(training=training).delete()
    training.capacity = 2
    training.save()
    log_in(world.personas["ngo_member"])
    page.goto(f"/szkolenia/{training.slug}/")
    page.locator("#id_person-0-name").fill("Anna Nowak")
    page.locator("#id_person-0-email").fill("anna@example.org")
    page.locator("#id_person-1-name").fill("Jan Kowalski")
    page.locator("#id_person-1-email").fill("jan@example.org")
    page.locator("#id_person-2-name").fill("Ewa Trzecia")
    page.locator("#id_person-2-email").fill("ewa@example.org")
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".alert-success")).to_be_visible()

    status = dict(Registration.objects.filter(training=training).values_list("email", "status"))
    assert status == {
        "anna@example.org": "registered",
        "jan@example.org": "registered",
        "ewa@example.org": "waiting",
    }
    # Jan cancels with the link from his e-mail; Ewa gets the seat and an e-mail.
    mailoutbox_before = len(mailoutbox)
    jan_mail = next(m for m in mailoutbox if "jan@example.org" in m.to)
    page.goto(path_of(link_in(jan_mail, "/zgloszenie/")))
    page.locator("main form button[type=submit]").first.click()
    expect(page.locator(".alert-success")).to_be_visible()
    status = dict(Registration.objects.filter(training=training).values_list("email", "status"))
    assert status["jan@example.org"] == "cancelled"
    assert status["ewa@example.org"] == "registered"
    assert any("ewa@example.org" in m.to for m in mailoutbox[mailoutbox_before:])
