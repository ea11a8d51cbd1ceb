"""Remarks on a draft act: sent, changed and withdrawn only until the deadline, which
the database's clock decides; on behalf of an organisation only by its active members;
as a resident only where the consultation allows it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Provision, Remark, RemarkChange
from cooperation.services import remarks as services
from organizations.models import Membership
from tests.factories import UserFactory


def remark_create(world, **overrides):
    arguments = {
        "consultation": world.public_consultation,
        "user": world.personas["ngo_member"],
        "organization": world.organization,
        "provision": world.provision_b,
        "proposed_wording": "Priorytetem jest wolontariat seniorów.",
        "justification": "Seniorzy są najaktywniejsi.",
        **overrides,
    }
    return services.remark_create(**arguments)


def close(consultation, *, at):
    consultation.end = at
    consultation.start = at - datetime.timedelta(days=10)
    consultation.save()


@pytest.mark.django_db
def test_a_member_sends_several_remarks_for_the_organisation_and_gets_a_copy(
    world, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        first = remark_create(world)
        second = remark_create(world, provision=None, proposed_wording="", justification="Ogólnie.")
    assert first.organization_name == world.organization.name
    assert (first.author, first.author_email) == (
        world.personas["ngo_member"],
        world.personas["ngo_member"].email,
    )
    assert second.provision is None
    assert (
        Remark.objects.filter(
            consultation=world.public_consultation, organization=world.organization
        ).count()
        == 4
    )  # the world's two and these
    assert [c.action for c in first.changes.all()] == ["submitted"]
    (copy, _general) = mailoutbox
    assert copy.to == [world.personas["ngo_member"].email]
    assert "Seniorzy są najaktywniejsi." in copy.body
    assert "Priorytetem jest wolontariat." in copy.body  # the current wording


@pytest.mark.django_db
def test_a_remark_after_the_deadline_is_refused_and_nothing_is_stored(world):
    close(world.public_consultation, at=timezone.now() - datetime.timedelta(seconds=1))
    before = Remark.objects.count()
    with pytest.raises(ValidationError) as error:
        remark_create(world)
    assert error.value.code == "closed"
    assert Remark.objects.count() == before


@pytest.mark.django_db
def test_the_deadline_second_is_judged_by_the_given_time(world):
    deadline = timezone.now() + datetime.timedelta(hours=1)
    close(world.public_consultation, at=deadline)
    remark_create(world, now=deadline - datetime.timedelta(microseconds=1))
    with pytest.raises(ValidationError):
        remark_create(world, now=deadline)


@pytest.mark.django_db
def test_the_database_clock_decides_not_the_web_servers(world, monkeypatch):
    """The web server's clock says there is an hour left; the database's says the
    deadline has passed: the remark is refused."""
    close(world.public_consultation, at=services.database_now() - datetime.timedelta(seconds=1))
    if connection.vendor == "postgresql":
        fast = timezone.now() - datetime.timedelta(hours=1)
        monkeypatch.setattr(timezone, "now", lambda: fast)
    with pytest.raises(ValidationError):
        remark_create(world)


@pytest.mark.django_db
def test_a_web_server_clock_ahead_of_the_database_does_not_close_it_early(world, monkeypatch):
    close(world.public_consultation, at=services.database_now() + datetime.timedelta(minutes=5))
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no clock of its own: the web server's decides")
    late = timezone.now() + datetime.timedelta(hours=1)
    monkeypatch.setattr(timezone, "now", lambda: late)
    assert remark_create(world).pk


@pytest.mark.django_db
def test_a_provision_of_another_consultation_is_refused(world):
    foreign = Provision.objects.get(consultation=world.reported_consultation)
    with pytest.raises(services.ProvisionNotInConsultation):
        remark_create(world, provision=foreign)


@pytest.mark.django_db
def test_only_active_members_of_a_published_organisation_remark_for_it(world):
    with pytest.raises(ValidationError) as error:
        remark_create(world, user=world.personas["other_ngo_member"])
    assert "organization" in error.value.message_dict
    pending = UserFactory()
    Membership.objects.create(user=pending, organization=world.organization)
    with pytest.raises(ValidationError):
        remark_create(world, user=pending)
    world.organization.status = "draft"
    world.organization.save()
    with pytest.raises(ValidationError):
        remark_create(world)


@pytest.mark.django_db
def test_a_resident_remarks_only_where_residents_may(world):
    resident = UserFactory(first_name="Ewa", last_name="Mieszkańska")
    with pytest.raises(ValidationError) as error:
        remark_create(world, user=resident, organization=None)
    assert "organization" in error.value.message_dict
    world.public_consultation.residents_may_remark = True
    world.public_consultation.save()
    remark = remark_create(world, user=resident, organization=None)
    assert (remark.organization, remark.organization_name, remark.author_name) == (
        None,
        "",
        "Ewa Mieszkańska",
    )


@pytest.mark.django_db
def test_the_author_or_a_colleague_changes_and_withdraws_until_the_deadline(world):
    colleague = UserFactory()
    Membership.objects.create(
        user=colleague, organization=world.organization, status=Membership.Status.ACTIVE
    )
    remark = services.remark_update(
        remark=world.remark,
        user=colleague,
        provision=world.provision_b,
        proposed_wording="Nowe brzmienie.",
        justification="Nowe uzasadnienie.",
    )
    assert (remark.provision, remark.justification) == (world.provision_b, "Nowe uzasadnienie.")
    change = RemarkChange.objects.get(remark=remark, action="changed")
    assert change.user == colleague
    assert change.changes["justification"] == ["Brakuje form współpracy.", "Nowe uzasadnienie."]
    with pytest.raises(ValidationError):
        services.remark_withdraw(remark=remark, user=world.personas["other_ngo_member"])
    services.remark_withdraw(remark=remark, user=world.personas["ngo_member"])
    remark.refresh_from_db()
    assert remark.status == Remark.Status.WITHDRAWN and remark.withdrawn_at
    with pytest.raises(ValidationError):
        services.remark_update(
            remark=remark,
            user=world.personas["ngo_member"],
            provision=None,
            proposed_wording="",
            justification="Jeszcze raz.",
        )


@pytest.mark.django_db
def test_nothing_changes_after_the_deadline(world):
    close(world.public_consultation, at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(ValidationError):
        services.remark_update(
            remark=world.remark,
            user=world.personas["ngo_member"],
            provision=None,
            proposed_wording="",
            justification="Za późno.",
        )
    with pytest.raises(ValidationError):
        services.remark_withdraw(remark=world.remark, user=world.personas["ngo_member"])
    world.remark.refresh_from_db()
    assert (world.remark.status, world.remark.justification) == (
        "active",
        "Brakuje form współpracy.",
    )


# --- The pages ----------------------------------------------------------------------------


def create_url(world):
    return reverse("cooperation:remark_create", args=[world.public_consultation.slug])


def form_data(world, **overrides):
    return {
        "organization": str(world.organization.pk),
        "provision": str(world.provision_b.pk),
        "proposed_wording": "Priorytetem jest wolontariat seniorów.",
        "justification": "Seniorzy są najaktywniejsi.",
        **overrides,
    }


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("cooperation:remark_create")
def test_a_member_sends_a_remark_through_the_page(client, world, portal_content, mailoutbox):
    client.force_login(world.personas["ngo_member"])
    mailoutbox.clear()
    response = client.post(create_url(world), form_data(world))
    assert response.status_code == 302
    assert response["Location"].endswith("#own-remarks")
    remark = Remark.objects.get(justification="Seniorzy są najaktywniejsi.")
    assert (remark.organization, remark.provision) == (world.organization, world.provision_b)
    assert remark.changes.get().action == "submitted"
    assert len(mailoutbox) == 1


@pytest.mark.django_db
def test_the_form_names_each_missing_field(client, world):
    client.force_login(world.personas["ngo_member"])
    response = client.post(
        "/en" + create_url(world), form_data(world, justification="", organization="")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_justification"' in page and 'href="#id_organization"' in page
    assert not Remark.objects.filter(proposed_wording="Priorytetem jest wolontariat seniorów.")


@pytest.mark.django_db
def test_a_provision_of_another_consultation_is_a_bad_request(client, world):
    client.force_login(world.personas["ngo_member"])
    foreign = Provision.objects.get(consultation=world.reported_consultation)
    before = Remark.objects.count()
    response = client.post(create_url(world), form_data(world, provision=str(foreign.pk)))
    assert response.status_code == 400
    assert Remark.objects.count() == before
    response = client.post(
        reverse(
            "cooperation:remark_update", args=[world.public_consultation.slug, world.remark.pk]
        ),
        form_data(world, provision=str(foreign.pk)),
    )
    assert response.status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["99999999999999999999", "-1", "abc", "\x00", "0"])
def test_a_hostile_provision_is_a_form_error(client, world, value):
    client.force_login(world.personas["ngo_member"])
    response = client.post(create_url(world), form_data(world, provision=value))
    assert response.status_code == 200
    assert 'href="#id_provision"' in response.content.decode()


@pytest.mark.django_db
def test_an_organisation_the_person_is_not_a_member_of_is_a_form_error(client, world):
    client.force_login(world.personas["ngo_member"])
    response = client.post(
        create_url(world), form_data(world, organization=str(world.other_organization.pk))
    )
    assert response.status_code == 200
    assert 'href="#id_organization"' in response.content.decode()


@pytest.mark.django_db
def test_a_remark_after_the_deadline_gets_a_clear_message(client, world):
    client.force_login(world.personas["ngo_member"])
    close(world.public_consultation, at=timezone.now() - datetime.timedelta(seconds=1))
    before = Remark.objects.count()
    response = client.post("/en" + create_url(world), form_data(world), follow=True)
    assert "The deadline for remarks has passed" in response.content.decode()
    assert Remark.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_loses_no_remark_and_the_page_says_so(
    client, world, portal_content, settings
):
    settings.EMAIL_BACKEND = "tests.mail.DownBackend"
    client.force_login(world.personas["ngo_member"])
    response = client.post("/en" + create_url(world), form_data(world), follow=True)
    page = response.content.decode()
    assert Remark.objects.filter(justification="Seniorzy są najaktywniejsi.").exists()
    assert "the e-mail with its copy could not be sent" in page


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("cooperation:remark_update")
def test_a_member_changes_a_remark_through_the_page(client, world, portal_content):
    client.force_login(world.personas["ngo_member"])
    url = reverse(
        "cooperation:remark_update", args=[world.public_consultation.slug, world.remark.pk]
    )
    assert 'name="justification"' in client.get(url).content.decode()
    response = client.post(url, form_data(world, provision="", justification="Zmienione."))
    assert response.status_code == 302
    remark = Remark.objects.get(pk=world.remark.pk)
    assert (remark.provision, remark.justification) == (None, "Zmienione.")
    assert RemarkChange.objects.filter(remark=remark, action="changed").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("cooperation:remark_withdraw")
def test_a_member_withdraws_a_remark_through_the_page(client, world, portal_content):
    client.force_login(world.personas["ngo_member"])
    url = reverse(
        "cooperation:remark_withdraw", args=[world.public_consultation.slug, world.remark.pk]
    )
    assert client.get(url).status_code == 200
    assert client.post(url).status_code == 302
    remark = Remark.objects.get(pk=world.remark.pk)
    assert remark.status == Remark.Status.WITHDRAWN
    assert RemarkChange.objects.filter(remark=remark, action="withdrawn").exists()


@pytest.mark.django_db
def test_somebody_elses_remark_is_not_found(client, world):
    client.force_login(world.personas["other_ngo_member"])
    url = reverse(
        "cooperation:remark_update", args=[world.public_consultation.slug, world.remark.pk]
    )
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(world)).status_code == 404
    url = reverse(
        "cooperation:remark_withdraw", args=[world.public_consultation.slug, world.remark.pk]
    )
    assert client.post(url).status_code == 404
    assert Remark.objects.get(pk=world.remark.pk).is_active


@pytest.mark.django_db
def test_after_the_deadline_the_edit_page_says_it_cannot_change(client, world):
    client.force_login(world.personas["ngo_member"])
    close(world.public_consultation, at=timezone.now() - datetime.timedelta(seconds=1))
    url = reverse(
        "cooperation:remark_update", args=[world.public_consultation.slug, world.remark.pk]
    )
    page = client.get("/en" + url).content.decode()
    assert "can no longer be changed" in page and 'name="justification"' not in page
    client.post(url, form_data(world, justification="Za późno."))
    assert Remark.objects.get(pk=world.remark.pk).justification == "Brakuje form współpracy."
