"""The e-mails about public consultations: the invitation to the organisations whose
fields match when a consultation starts, and the reminder three days before the
deadline to those that have sent no remark; each once."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import timezone

from cooperation.models import AlertOptOut, PublicConsultation, Remark
from cooperation.services import alerts
from organizations.models import FieldOfActivity, Membership
from tests.factories import UserFactory


@pytest.fixture
def sent(mailoutbox, django_capture_on_commit_callbacks):
    """Run a service and return the addresses it e-mailed."""

    def run(func, **kwargs):
        mailoutbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            count = func(**kwargs)
        addresses = sorted(address for message in mailoutbox for address in message.to)
        assert count == len(addresses)
        return addresses

    return run


@pytest.fixture
def fields(world):
    """The consultation concerns one field; the member's organisation works in it,
    the other organisation does not."""
    field, other = FieldOfActivity.objects.order_by("pk")[:2]
    world.organization.fields_of_activity.set([field])
    world.other_organization.fields_of_activity.set([other])
    world.public_consultation.fields_of_activity.set([field])
    return field, other


MEMBER = "member@ngo-a.example.org"
OTHER = "member@ngo-b.example.org"


@pytest.mark.django_db
def test_the_matching_organisations_members_are_invited_once(world, fields, sent):
    assert sent(alerts.consultation_invitations_send) == [MEMBER]
    world.public_consultation.refresh_from_db()
    assert world.public_consultation.alerts_sent_at is not None
    assert sent(alerts.consultation_invitations_send) == []  # once


@pytest.mark.django_db
def test_every_organisation_is_invited_when_no_field_is_chosen(world, sent):
    AlertOptOut.objects.all().delete()
    world.public_consultation.fields_of_activity.clear()
    assert sent(alerts.consultation_invitations_send) == [MEMBER, OTHER]


@pytest.mark.django_db
def test_a_member_who_opted_out_is_skipped(world, fields, sent):
    colleague = UserFactory(email="kolega@ngo-a.example.org")
    Membership.objects.create(
        user=colleague, organization=world.organization, status=Membership.Status.ACTIVE
    )
    alerts.alert_opt_out_set(
        user=world.personas["ngo_member"], organization=world.organization, receive=False
    )
    assert sent(alerts.consultation_invitations_send) == ["kolega@ngo-a.example.org"]


@pytest.mark.django_db
def test_not_yet_started_or_draft_consultations_are_not_announced(world, fields, sent):
    consultation = world.public_consultation
    consultation.start = timezone.now() + datetime.timedelta(days=1)
    consultation.save()
    assert sent(alerts.consultation_invitations_send, consultation=consultation) == []
    consultation.start = timezone.now() - datetime.timedelta(days=1)
    consultation.status = PublicConsultation.Status.DRAFT
    consultation.save()
    assert sent(alerts.consultation_invitations_send) == []
    consultation.refresh_from_db()
    assert consultation.alerts_sent_at is None


def near_the_deadline(consultation):
    now = timezone.now()
    consultation.end = now + datetime.timedelta(days=2)
    consultation.alerts_sent_at = now - datetime.timedelta(days=10)
    consultation.save()


@pytest.mark.django_db
def test_the_reminder_skips_organisations_that_sent_a_remark_and_goes_once(world, sent):
    AlertOptOut.objects.all().delete()
    world.public_consultation.fields_of_activity.clear()
    near_the_deadline(world.public_consultation)
    # The member's organisation has sent remarks (the world's); the other has not.
    assert sent(alerts.consultation_reminders_send) == [OTHER]
    assert sent(alerts.consultation_reminders_send) == []


@pytest.mark.django_db
def test_a_withdrawn_remark_does_not_count_as_sent(world, sent):
    AlertOptOut.objects.all().delete()
    world.public_consultation.fields_of_activity.clear()
    Remark.objects.filter(consultation=world.public_consultation).update(status="withdrawn")
    near_the_deadline(world.public_consultation)
    assert sent(alerts.consultation_reminders_send) == [MEMBER, OTHER]


@pytest.mark.django_db
def test_no_reminder_before_three_days_are_left(world, sent):
    AlertOptOut.objects.all().delete()
    world.public_consultation.alerts_sent_at = timezone.now() - datetime.timedelta(days=2)
    world.public_consultation.save()
    assert sent(alerts.consultation_reminders_send) == []
    world.public_consultation.refresh_from_db()
    assert world.public_consultation.reminders_sent_at is None


@pytest.mark.django_db
def test_opting_out_needs_a_membership(world):
    with pytest.raises(ValidationError) as refused:
        alerts.alert_opt_out_set(
            user=world.personas["ngo_member"], organization=world.other_organization, receive=False
        )
    assert list(refused.value.message_dict) == ["organization"]
    assert not AlertOptOut.objects.filter(
        user=world.personas["ngo_member"], organization=world.other_organization
    ).exists()


@pytest.mark.django_db(transaction=True)
def test_the_command_sends_both_and_is_idempotent(world, fields, portal_content, mailoutbox):
    mailoutbox.clear()
    call_command("send_consultation_alerts")
    assert [m.to for m in mailoutbox] == [[MEMBER]]
    call_command("send_consultation_alerts")
    assert len(mailoutbox) == 1
    consultation = PublicConsultation.objects.get(pk=world.public_consultation.pk)
    assert consultation.alerts_sent_at is not None
