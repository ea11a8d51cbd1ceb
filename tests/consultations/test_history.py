"""Trainings, registrations and the consultation rules keep a history: who, when,
what (old → new), written by the services and the admin's saves, shown in the admin
in Polish words; a person's name and address are recorded as changed, never kept."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from consultations.models import (
    Advisor,
    AvailabilityRule,
    ConsultationSettings,
    Mode,
    Registration,
    Training,
)
from consultations.services import trainings as training_services
from consultations.services.availability import availability_save
from tests.consultations.factories import (
    AdvisorFactory,
    AvailabilityExceptionFactory,
    AvailabilityRuleFactory,
    TrainingFactory,
)
from tests.factories import UserFactory
from tests.forms import admin_save, history_cells, page_errors


def status_words(model, old, new):
    with translation.override("pl"):
        return f"Status: {model.Status(old).label} → {model.Status(new).label}"


def records(subject):
    return list(
        subject.changes.order_by("created_at", "pk").values_list("user", "action", "changes")
    )


def test_publishing_and_a_new_seat_count_are_in_the_trainings_history(staff_client, staff):
    training = TrainingFactory(status=Training.Status.DRAFT, capacity=10)
    training_services.training_publish(training=training, user=staff)
    url = reverse("admin:consultations_training_change", args=[training.pk])
    response = admin_save(staff_client, url, capacity="12", trainer="Jan Trener")
    assert response.status_code == 302, page_errors(response)

    assert records(training) == [
        (staff.pk, "published", {"status": ["draft", "published"]}),
        (staff.pk, "capacity", {"capacity": [10, 12]}),
        (staff.pk, "changed", {"trainer": ["Anna Trenerka", "Jan Trener"]}),
    ]
    cells = history_cells(staff_client, url)
    assert status_words(Training, "draft", "published") in cells
    assert "Liczba miejsc: 10 → 12" in cells
    assert "Prowadzący: Anna Trenerka → Jan Trener" in cells


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("admin:consultations_registration_change")
def test_a_registrations_history_from_the_link_to_the_staffs_edit_keeps_no_personal_data(
    client, staff
):
    training = TrainingFactory(capacity=5)
    registration = training_services.registration_create(
        training=training, name="Maria Mieszkanka", email="maria@example.org"
    )
    training_services.registration_confirm_email(registration=registration)
    client.force_login(staff)
    url = reverse("admin:consultations_registration_change", args=[registration.pk])
    response = admin_save(client, url, name="Maria Nowakowska")
    assert response.status_code == 302, page_errors(response)
    training_services.registration_cancel(registration=registration, user=staff)

    assert records(registration) == [
        (None, "registered", {"status": "unconfirmed"}),
        (None, "confirmed", {"status": ["unconfirmed", "registered"]}),
        (staff.pk, "changed", {"name": []}),
        (staff.pk, "cancelled", {"status": ["registered", "cancelled"]}),
    ]
    cells = history_cells(client, url)
    assert status_words(Registration, "unconfirmed", "registered") in cells
    assert status_words(Registration, "registered", "cancelled") in cells
    assert not [cell for cell in cells if "Maria" in cell or "maria@" in cell]


def test_a_seat_given_from_the_waiting_list_is_in_the_registrations_history(staff):
    training = TrainingFactory(capacity=1)
    first = training_services.registration_create(
        training=training, name="Ala", email="ala@example.org", user=staff
    )
    waiting = training_services.registration_create(
        training=training, name="Ola", email="ola@example.org", user=staff
    )
    for registration in (first, waiting):
        training_services.registration_confirm_email(registration=registration)
    training_services.registration_cancel(registration=first, user=staff)
    assert records(waiting)[-1] == (None, "promoted", {"status": ["waiting", "registered"]})


def test_staff_change_the_consultation_rules_and_the_history_says_which(staff_client, staff):
    row = ConsultationSettings.load()
    url = reverse("admin:consultations_consultationsettings_change", args=[row.pk])
    response = admin_save(staff_client, url, booking_notice_hours="48")
    assert response.status_code == 302, page_errors(response)
    assert records(row) == [(staff.pk, "changed", {"booking_notice_hours": [24, 48]})]
    assert "Rezerwacja co najmniej (godzin wcześniej): 24 → 48" in history_cells(staff_client, url)


@pytest.mark.django_db(transaction=True)
def test_an_advisors_weekly_hours_saved_by_themself_are_in_their_history():
    """The advisor's own pages and the admin's inlines save the hours through one
    service, which records the rows it added, changed and deleted."""
    account = UserFactory(first_name="Katarzyna", last_name="Doradczyni")
    advisor = AdvisorFactory(name="Katarzyna Doradczyni", user=account)
    tuesday = AvailabilityRuleFactory(advisor=advisor)
    day_off = AvailabilityExceptionFactory(advisor=advisor, date=datetime.date(2027, 1, 4))
    with translation.override("pl"):
        thursday = AvailabilityRule(
            advisor=advisor,
            weekday=3,
            starts=datetime.time(9),
            ends=datetime.time(11),
            slot_minutes=45,
            buffer_minutes=15,
            mode=Mode.PHONE,
            valid_from=datetime.date(2020, 1, 1),
        )
        tuesday.ends = datetime.time(13)
        availability_save(advisor=advisor, user=account, save=[thursday, tuesday], delete=[day_off])

    assert AvailabilityRule.objects.filter(advisor=advisor).count() == 2
    (record,) = Advisor.objects.get(pk=advisor.pk).changes.all()
    assert (record.user, record.action) == (account, "changed")
    assert record.changes == {
        "rules": {"added": [str(thursday)], "changed": [str(tuesday)]},
        "exceptions": {"deleted": [str(day_off)]},
    }
    with translation.override("pl"):
        assert record.changes_in_words() == (
            f"Reguły dostępności: dodano „{thursday}”; zmieniono „{tuesday}”; "
            f"Wyjątki w dostępności: usunięto „{day_off}”"
        )
