"""The change history's base (cwop_portal.history): values kept in a JSON form the same
in every language, put in words when read; personal fields recorded without their
values; the actions' words; and the site settings' history, written by the admin."""

import datetime

import pytest
from django import forms
from django.urls import reverse
from django.utils import translation

from consultations.models import Registration, Training
from cwop_portal.history import (
    change_record,
    changes_between,
    describe_changes,
    form_changes,
    json_value,
    snapshot,
    value_in_words,
)
from cwop_portal.models import Page, SiteSettings
from organizations.models import NewsPost
from rooms.models import Booking
from tests.consultations.factories import TrainingFactory
from tests.factories import UserFactory, local
from tests.forms import admin_save, history_cells, page_errors
from tests.organizations.factories import OrganizationFactory


def words(model, changes):
    with translation.override("pl"):
        return describe_changes(model, changes)


def test_values_are_kept_the_same_in_every_language():
    assert json_value(datetime.date(2026, 6, 1)) == "2026-06-01"
    assert json_value(Training.Status.PUBLISHED) == "published"
    assert json_value(None) is None
    with translation.override("en"):
        english = json_value(Training.Status.CANCELLED.label)
    assert english == "cancelled"


def test_kept_values_are_read_in_words_in_polish():
    assert words(Training, {"status": ["draft", "published"]}) == ["Status: szkic → opublikowany"]
    assert words(Training, {"capacity": [10, 12]}) == ["Liczba miejsc: 10 → 12"]
    assert words(Training, {"is_online": [False, True]}) == ["Online: nie → tak"]
    with translation.override("pl"):
        deadline = value_in_words(Training, "registration_deadline", "2026-12-07T09:15:00+00:00")
        day = value_in_words(NewsPost, "funding_deadline", "2026-06-01")
    assert deadline.startswith("7 grudnia 2026") and "10:15" in deadline  # the centre's clock
    assert day == "1 czerwca 2026"
    assert words(Training, {"place": ["", "Sala 2"]}) == [
        "Miejsce (jeśli nie jest to sala Centrum): — → Sala 2"
    ]


def test_a_state_recorded_alone_and_an_unknown_key_are_read_as_they_are():
    assert words(Booking, {"status": "pending"}) == ["Status: oczekuje na zatwierdzenie"]
    assert words(Booking, {"reason": "Remont"}) == ["Reason: Remont"]


@pytest.mark.django_db
def test_changes_between_keeps_what_differs_and_private_fields_without_values():
    training = TrainingFactory(status=Training.Status.DRAFT)
    registration = Registration.objects.create(
        training=training, name="Anna Nowak", email="anna@example.org", status="unconfirmed"
    )
    before = snapshot(registration, ["name", "email", "status", "attended"])
    registration.name, registration.email = "Anna Kowalska", "anna.k@example.org"
    registration.status = Registration.Status.REGISTERED
    changes = changes_between(before, registration, ["name", "email", "status", "attended"])
    assert changes == {"name": [], "email": [], "status": ["unconfirmed", "registered"]}
    text = " ".join(words(Registration, changes))
    for personal in ("Anna", "Nowak", "Kowalska", "anna@example.org", "anna.k@example.org"):
        assert personal not in text
    assert len(words(Registration, changes)) == 3  # name, e-mail: changed; the status


@pytest.mark.django_db
def test_a_forms_changes_name_the_related_row_and_the_choice():
    old, new = OrganizationFactory(name="Fundacja Stara"), OrganizationFactory(name="Fundacja Nowa")
    training = TrainingFactory()
    registration = Registration.objects.create(
        training=training,
        name="Jan",
        email="jan@example.org",
        status="registered",
        organization=old,
    )

    class RegistrationForm(forms.ModelForm):
        class Meta:
            model = Registration
            fields = ["organization", "status", "name"]

    form = RegistrationForm(
        {"organization": new.pk, "status": "waiting", "name": "Jan"}, instance=registration
    )
    assert form.is_valid(), form.errors
    assert form_changes(form) == {
        "organization": ["Fundacja Stara", "Fundacja Nowa"],
        "status": ["registered", "waiting"],
    }


@pytest.mark.django_db
def test_a_record_reads_as_a_sentence_with_the_actions_words():
    staff = UserFactory(first_name="Anna", last_name="Nowak", is_staff=True)
    training = TrainingFactory(status=Training.Status.DRAFT)
    record = change_record(
        training,
        user=staff,
        action="cancelled",
        changes={"status": ["published", "cancelled"]},
        note="Choroba trenera.",
        at=local(2026, 12, 7, 10, 15),
    )
    with translation.override("pl"):
        sentence = record.describe()
    assert sentence.startswith("Anna Nowak, 7 grudnia 2026 10:15: ")
    assert sentence.endswith(" — Choroba trenera.; Status: opublikowany → anulowana")
    anonymous = change_record(training, user=None, action="rescheduled_by_magic")
    assert anonymous.user is None and anonymous.action_label == "rescheduled_by_magic"


@pytest.mark.django_db
def test_a_record_models_own_words_for_an_action_come_first(world):
    with translation.override("pl"):
        booked = world.booking.changes.get(action="created")
        assert booked.action_label == "zarezerwowano"  # a booking's "created" is "booked"


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:cwop_portal_sitesettings_change")
def test_staff_change_the_contact_details_and_the_history_says_so_in_polish(client):
    staff = UserFactory(
        email="kierowniczka@cwop.example.org",
        first_name="Ewa",
        last_name="Kierownik",
        is_staff=True,
        is_superuser=True,
    )
    client.force_login(staff)
    settings_row = SiteSettings.load()
    url = reverse("admin:cwop_portal_sitesettings_change", args=[settings_row.pk])
    response = admin_save(client, url, city="Suwałki", phone="85 111 22 33")
    assert response.status_code == 302, page_errors(response)

    (record,) = settings_row.changes.all()
    assert (record.user, record.action) == (staff, "changed")
    assert record.changes == {"city": ["Białystok", "Suwałki"], "phone": ["", "85 111 22 33"]}

    html = client.get(url).content.decode()
    cells = history_cells(client, url)
    assert "Miejscowość: Białystok → Suwałki; Telefon: — → 85 111 22 33" in cells
    assert "Ewa Kierownik" in html

    # Saved as it was: nothing changed, nothing recorded.
    assert admin_save(client, url).status_code == 302
    assert settings_row.changes.count() == 1


@pytest.mark.django_db
def test_staff_edit_a_pages_text_and_its_history_keeps_old_and_new(client):
    staff = UserFactory(first_name="Ewa", last_name="Kierownik", is_staff=True, is_superuser=True)
    client.force_login(staff)
    page = Page.objects.get(key="about")
    old_title = page.title_pl
    url = reverse("admin:cwop_portal_page_change", args=[page.pk])
    response = admin_save(client, url, title_pl="O Centrum Współpracy")
    assert response.status_code == 302, page_errors(response)
    (record,) = page.changes.all()
    assert (record.user, record.action) == (staff, "changed")
    assert record.changes == {"title_pl": [old_title, "O Centrum Współpracy"]}


def test_rows_saved_with_their_parent_read_in_polish_words():
    with translation.override("pl"):
        words = describe_changes(
            Training,
            {"sessions": {"added": ["Sesja 2"], "changed": ["Sesja 1"], "deleted": ["Sesja 3"]}},
        )
    assert words == ["Spotkania szkoleń: dodano „Sesja 2”; zmieniono „Sesja 1”; usunięto „Sesja 3”"]
