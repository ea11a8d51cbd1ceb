"""Correspondence at the centre's address: staff log mail, members are told and see
it, staff hand it over, the records go after the retention period."""

import datetime
import io

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from organizations.models import Membership
from rooms.models import MailItem
from rooms.services.mail import mail_item_collect, mail_item_log, mail_items_purge
from tests.factories import UserFactory
from tests.organizations.factories import MembershipFactory

# --- Helpers -------------------------------------------------------------------------


@pytest.fixture
def world(world):
    """The shared world, without the mail it may bring: each test logs its own."""
    MailItem.objects.all().delete()
    return world


def mail_url(organization):
    return f"/konto/organizacje/{organization.slug}/poczta/"


def log(world, **overrides):
    data = {
        "organization": world.organization,
        "sender": "Urząd Skarbowy w Białymstoku",
        "kind": MailItem.Kind.REGISTERED,
        "received_on": timezone.localdate(),
        "note": "Wymaga podpisu przy odbiorze",
        "user": world.personas["staff"],
    }
    return mail_item_log(**{**data, **overrides})


def collected_days_ago(item, days, name="Anna Nowak"):
    MailItem.objects.filter(pk=item.pk).update(
        collected_at=timezone.now() - datetime.timedelta(days=days), collected_by=name
    )


# --- Logging and the e-mail ----------------------------------------------------------


@pytest.mark.django_db
def test_logging_mail_emails_the_organisations_active_members_only(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    editor = UserFactory(email="editor@ngo-a.example.org")
    MembershipFactory(user=editor, organization=world.organization, role=Membership.Role.EDITOR)
    MembershipFactory(
        user=UserFactory(email="asked@ngo-a.example.org"),
        organization=world.organization,
        status=Membership.Status.PENDING,
    )
    MembershipFactory(
        user=UserFactory(email="gone@ngo-a.example.org", is_active=False),
        organization=world.organization,
    )
    with django_capture_on_commit_callbacks(execute=True):
        item = log(world)
    assert item.logged_by == world.personas["staff"]
    assert not item.is_collected
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert sorted(message.to) == ["editor@ngo-a.example.org", "member@ngo-a.example.org"]
    assert world.organization.name in message.subject
    assert "Urząd Skarbowy w Białymstoku" in message.body
    assert "Wymaga podpisu przy odbiorze" in message.body
    assert f"{django_settings.SITE_URL}{mail_url(world.organization)}" in message.body
    assert "member@ngo-b.example.org" not in message.to


@pytest.mark.django_db
def test_the_email_is_sent_in_polish_whatever_the_language_of_the_request(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        log(world)
    body = mailoutbox[0].body
    # The link is the Polish page's, without the /en/ prefix; the date is in Polish.
    assert f"{django_settings.SITE_URL}{mail_url(world.organization)}" in body
    assert "/en/" not in body
    with translation.override("pl"):
        assert date_format(timezone.localdate(), "DATE_FORMAT") in body


@pytest.mark.django_db
def test_no_email_goes_out_before_the_transaction_commits(world, mailoutbox):
    log(world)
    assert mailoutbox == []


@pytest.mark.django_db
def test_logging_refuses_a_missing_sender_and_a_date_in_the_future(world):
    with pytest.raises(ValidationError) as missing:
        log(world, sender="  ")
    assert "sender" in missing.value.error_dict
    with pytest.raises(ValidationError) as future:
        log(world, received_on=timezone.localdate() + datetime.timedelta(days=1))
    assert "received_on" in future.value.error_dict
    assert MailItem.objects.count() == 0


# --- Collecting ----------------------------------------------------------------------


@pytest.mark.django_db
def test_collecting_records_who_and_when_and_a_second_collection_is_refused(world):
    item = log(world)
    staff = world.personas["staff"]
    item = mail_item_collect(item=item, collected_by="  Anna   Nowak ", user=staff)
    item.refresh_from_db()
    assert item.is_collected
    assert item.collected_by == "Anna Nowak"
    assert item.handed_over_by == staff
    with pytest.raises(ValidationError) as again:
        mail_item_collect(item=item, collected_by="Piotr Wiśniewski", user=staff)
    assert again.value.code == "already_collected"
    assert "Anna Nowak" in " ".join(again.value.messages)
    item.refresh_from_db()
    assert item.collected_by == "Anna Nowak"


@pytest.mark.django_db
def test_collecting_needs_the_name_of_the_person(world):
    item = log(world)
    with pytest.raises(ValidationError) as error:
        mail_item_collect(item=item, collected_by=" ", user=world.personas["staff"])
    assert "collected_by" in error.value.error_dict
    item.refresh_from_db()
    assert not item.is_collected


# --- The members' page ---------------------------------------------------------------


@pytest.mark.django_db
def test_members_see_the_mail_waiting_and_the_mail_collected(client, world):
    waiting = log(world, sender="Bank Spółdzielczy", note="Duża koperta")
    collected = log(world, sender="Urząd Marszałkowski", kind=MailItem.Kind.PARCEL, note="")
    mail_item_collect(item=collected, collected_by="Jan Odbierający", user=world.personas["staff"])
    log(world, organization=world.other_organization, sender="Tajny Nadawca Innej Organizacji")
    client.force_login(world.personas["ngo_member"])
    response = client.get(mail_url(world.organization))
    assert response.status_code == 200
    html = response.content.decode()
    assert [i.pk for i in response.context["waiting"]] == [waiting.pk]
    assert [i.pk for i in response.context["collected"]] == [collected.pk]
    for text in ["Bank Spółdzielczy", "Duża koperta", "Urząd Marszałkowski", "Jan Odbierający"]:
        assert text in html
    assert "Tajny Nadawca Innej Organizacji" not in html
    assert html.count("<h1") == 1


@pytest.mark.django_db
def test_an_editor_of_the_organisation_sees_the_page_too(client, world):
    editor = UserFactory()
    MembershipFactory(user=editor, organization=world.organization, role=Membership.Role.EDITOR)
    client.force_login(editor)
    assert client.get(mail_url(world.organization)).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["other_ngo_member", "advisor"])
def test_the_page_does_not_exist_for_people_outside_the_organisation(client, world, persona):
    log(world)
    client.force_login(world.personas[persona])
    assert client.get(mail_url(world.organization)).status_code == 404


@pytest.mark.django_db
def test_a_person_who_only_asked_to_join_gets_a_404(client, world):
    asked = UserFactory()
    MembershipFactory(user=asked, organization=world.organization, status=Membership.Status.PENDING)
    client.force_login(asked)
    assert client.get(mail_url(world.organization)).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client, world):
    response = client.get(mail_url(world.organization))
    assert response.status_code == 302
    assert response["Location"].startswith("/konto/login/?next=")


@pytest.mark.django_db
def test_centre_staff_work_in_the_admin_not_on_members_pages(client, world):
    log(world, sender="Poczta Polska")
    client.force_login(world.personas["staff"])
    assert client.get(mail_url(world.organization)).status_code == 404


@pytest.mark.django_db
def test_the_url_name_is_in_the_rooms_namespace(world):
    assert reverse("rooms:organization_mail", kwargs={"slug": world.organization.slug}) == (
        mail_url(world.organization)
    )


@pytest.mark.django_db
def test_the_page_shows_the_centres_opening_hours(client, world):
    client.force_login(world.personas["ngo_member"])
    response = client.get(mail_url(world.organization))
    # Migration 0003 gives the centre opening hours (rows without a resource).
    assert response.context["opening_hours"]
    weekday, hours = response.context["opening_hours"][0]
    assert hours in response.content.decode()


@pytest.mark.django_db
def test_the_members_page_has_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.personas["ngo_member"])
    log(world)
    client.get(mail_url(world.organization))  # warms the cached site settings
    with CaptureQueriesContext(connection) as few:
        client.get(mail_url(world.organization))
    for n in range(40):
        item = log(world, sender=f"Nadawca {n}")
        if n % 2:
            mail_item_collect(item=item, collected_by=f"Osoba {n}", user=None)
    with django_assert_max_num_queries(6):
        response = client.get(mail_url(world.organization))
    assert response.status_code == 200
    assert len(response.context["waiting"]) + len(response.context["collected"]) == 41
    with CaptureQueriesContext(connection) as many:
        client.get(mail_url(world.organization))
    assert len(many) == len(few)


# --- Retention -----------------------------------------------------------------------


@pytest.mark.django_db
def test_purge_deletes_only_mail_collected_before_the_retention_period(world):
    old_collected = log(world, sender="Stary odebrany")
    collected_days_ago(old_collected, 400)
    recent_collected = log(world, sender="Niedawno odebrany")
    collected_days_ago(recent_collected, 10)
    old_waiting = log(world, sender="Stary nieodebrany")
    MailItem.objects.filter(pk=old_waiting.pk).update(
        received_on=timezone.localdate() - datetime.timedelta(days=800),
        logged_at=timezone.now() - datetime.timedelta(days=800),
    )
    assert mail_items_purge(older_than_days=365) == 1
    assert set(MailItem.objects.values_list("sender", flat=True)) == {
        "Niedawno odebrany",
        "Stary nieodebrany",
    }


@pytest.mark.django_db
def test_a_dry_run_deletes_nothing(world):
    item = log(world)
    collected_days_ago(item, 400)
    assert mail_items_purge(older_than_days=365, dry_run=True) == 1
    assert MailItem.objects.count() == 1


@pytest.mark.django_db
def test_the_purge_command_reports_supports_dry_run_and_days(world, settings):
    settings.MAIL_ITEM_RETENTION_DAYS = 30
    item = log(world)
    collected_days_ago(item, 40)
    out = io.StringIO()
    call_command("purge_mail_items", "--dry-run", stdout=out)
    assert "Would delete 1 mail item(s) collected more than 30 days ago." in out.getvalue()
    assert MailItem.objects.count() == 1
    call_command("purge_mail_items", "--days", "60", stdout=out)
    assert "Deleted 0 mail item(s) collected more than 60 days ago." in out.getvalue()
    assert MailItem.objects.count() == 1
    call_command("purge_mail_items", stdout=out)
    assert "Deleted 1 mail item(s)" in out.getvalue()
    assert MailItem.objects.count() == 0


@pytest.mark.django_db
def test_the_retention_defaults_to_a_year_without_the_setting(world, settings):
    del settings.MAIL_ITEM_RETENTION_DAYS
    item = log(world)
    collected_days_ago(item, 300)
    out = io.StringIO()
    call_command("purge_mail_items", stdout=out)
    assert "Deleted 0 mail item(s) collected more than 365 days ago." in out.getvalue()


# --- The admin -----------------------------------------------------------------------


@pytest.mark.django_db
def test_adding_mail_in_the_admin_emails_the_members(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    staff = world.personas["staff"]
    client.force_login(staff)
    url = reverse("admin:rooms_mailitem_add")
    assert client.get(url).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "organization": world.organization.pk,
                "received_on": timezone.localdate().isoformat(),
                "kind": MailItem.Kind.PARCEL,
                "sender": "Hurtownia Papiernicza",
                "note": "",
            },
        )
    assert response.status_code == 302, response.context["adminform"].form.errors
    item = MailItem.objects.get()
    assert item.sender == "Hurtownia Papiernicza"
    assert item.logged_by == staff
    assert [m.to for m in mailoutbox] == [["member@ngo-a.example.org"]]
    assert "Hurtownia Papiernicza" in mailoutbox[0].body
    # The change form opens for the saved item, with who logged it.
    change = client.get(reverse("admin:rooms_mailitem_change", args=[item.pk]))
    assert change.status_code == 200


@pytest.mark.django_db
def test_the_admin_refuses_a_date_in_the_future(client, world, mailoutbox):
    client.force_login(world.personas["staff"])
    response = client.post(
        reverse("admin:rooms_mailitem_add"),
        {
            "organization": world.organization.pk,
            "received_on": (timezone.localdate() + datetime.timedelta(days=3)).isoformat(),
            "kind": MailItem.Kind.LETTER,
            "sender": "Ktoś",
        },
    )
    assert response.status_code == 200
    assert "received_on" in response.context["adminform"].form.errors
    assert MailItem.objects.count() == 0


@pytest.mark.django_db
def test_the_admin_list_filters_and_searches(client, world):
    waiting = log(world, sender="Czekający Nadawca")
    collected = log(world, sender="Odebrany Nadawca")
    mail_item_collect(item=collected, collected_by="Anna", user=None)
    client.force_login(world.personas["staff"])
    url = reverse("admin:rooms_mailitem_changelist")
    response = client.get(url, {"collected": "no"})
    assert response.status_code == 200
    assert [i.pk for i in response.context["cl"].result_list] == [waiting.pk]
    response = client.get(url, {"collected": "yes", "kind__exact": "registered"})
    assert [i.pk for i in response.context["cl"].result_list] == [collected.pk]
    response = client.get(url, {"q": "Czekający"})
    assert [i.pk for i in response.context["cl"].result_list] == [waiting.pk]


@pytest.mark.django_db
def test_the_admin_action_asks_who_collected_the_mail_then_records_it(client, world):
    staff = world.personas["staff"]
    first, second = log(world, sender="Pierwszy"), log(world, sender="Drugi")
    already = log(world, sender="Już odebrany")
    mail_item_collect(item=already, collected_by="Ktoś Wcześniej", user=staff)
    client.force_login(staff)
    url = reverse("admin:rooms_mailitem_changelist")
    selected = [first.pk, second.pk, already.pk]
    page = client.post(url, {"action": "mark_collected", "_selected_action": selected})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="collected_by"' in html
    assert "Ktoś Wcześniej" in html
    # Without a name the page asks again.
    page = client.post(
        url,
        {"action": "mark_collected", "_selected_action": selected, "confirm": "1"},
    )
    assert page.status_code == 200
    assert 'aria-invalid="true"' in page.content.decode()
    assert not MailItem.objects.filter(collected_at__isnull=False).exclude(pk=already.pk).exists()
    response = client.post(
        url,
        {
            "action": "mark_collected",
            "_selected_action": selected,
            "confirm": "1",
            "collected_by": "Anna Nowak",
        },
        follow=True,
    )
    assert response.status_code == 200
    for item in (first, second):
        item.refresh_from_db()
        assert item.collected_by == "Anna Nowak"
        assert item.handed_over_by == staff
    already.refresh_from_db()
    assert already.collected_by == "Ktoś Wcześniej"
    shown = [str(m) for m in response.context["messages"]]
    assert any("Ktoś Wcześniej" in m for m in shown)  # the refused one is named


# --- Personal data -------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_get_the_mail_they_handled_in_their_data_export(world):
    from rooms.personal_data import export_mail_items

    staff = world.personas["staff"]
    item = log(world)
    mail_item_collect(item=item, collected_by="Anna Nowak", user=staff)
    data = export_mail_items(staff)["mail_items_handled"]
    assert len(data) == 1
    assert data[0]["logged_by_you"] and data[0]["handed_over_by_you"]
    assert "Anna Nowak" not in str(data)
    assert export_mail_items(world.personas["ngo_member"]) == {"mail_items_handled": []}
