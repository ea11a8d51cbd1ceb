"""A person's remarks in "download my data", and what stays of them when the account
is deleted: the remark (the consultation's record), without the person."""

import pytest

from cooperation.models import AlertOptOut, Remark, TeamContactMessage
from cwop_portal import services as portal_services
from cwop_portal.personal_data import export_user_data
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_export_holds_the_remarks_their_history_and_the_opt_outs(world):
    data = export_user_data(world.personas["ngo_member"])["cooperation"]
    remarks = {r["justification"]: r for r in data["public_consultation_remarks"]}
    assert set(remarks) == {
        "Brakuje form współpracy.",
        "Program powinien mieć harmonogram.",
        "Uzasadnienie uwagi.",
    }
    assert remarks["Brakuje form współpracy."]["history"][0]["action"] == "submitted"
    other = export_user_data(world.personas["other_ngo_member"])["cooperation"]
    assert other["consultation_email_opt_outs"][0]["organization"] == world.other_organization.name
    staff = export_user_data(world.personas["staff"])["cooperation"]
    assert staff["public_consultations_created"][0]["title"] == world.public_consultation.title_pl
    assert staff["public_consultation_history_entries"][0]["action"] == "opened"


@pytest.mark.django_db
def test_deleting_the_account_keeps_the_remarks_without_the_person(world):
    member = UserFactory(first_name="Piotr", last_name="Wiśniewski")
    AlertOptOut.objects.create(user=member, organization=world.organization)
    world.public_consultation.residents_may_remark = True
    world.public_consultation.save()
    resident_remark = Remark.objects.create(
        consultation=world.public_consultation,
        author=member,
        author_name="Piotr Wiśniewski",
        author_email=member.email,
        justification="Uwaga mieszkańca.",
    )
    TeamContactMessage.objects.create(
        sender_name="Piotr", sender_email=member.email.upper(), body="Pytanie."
    )
    portal_services.user_delete(user=member)
    resident_remark.refresh_from_db()
    assert (resident_remark.author, resident_remark.author_name, resident_remark.author_email) == (
        None,
        "",
        "",
    )
    assert resident_remark.justification == "Uwaga mieszkańca."
    assert not AlertOptOut.objects.filter(user_id=member.pk).exists()
    assert not TeamContactMessage.objects.filter(body="Pytanie.").exists()
