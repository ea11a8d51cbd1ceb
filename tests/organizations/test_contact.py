"""Residents write to an organisation through the portal, which relays the message."""

import pytest

from organizations.models import ContactMessage, Organization
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = pytest.mark.django_db

ORG_EMAIL = "zarzad@sasiedzi.example.org"


def with_administrator(organization):
    """Residents write only to an organisation somebody answers for (an active
    administrator)."""
    MembershipFactory(organization=organization)
    return organization


@pytest.fixture
def organization(db):
    return with_administrator(
        OrganizationFactory(
            name="Stowarzyszenie Sąsiedzi", public_email=ORG_EMAIL, show_email=False
        )
    )


@pytest.fixture
def rate_limit(settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "contact_organization": "3/h/ip",
    }


def contact_url(organization, language=""):
    return f"{'/' + language if language else ''}/organizacje/{organization.slug}/kontakt/"


def message_data(**changes):
    return {
        "name": "Maria Zielińska",
        "email": "maria@example.net",
        "message": "Dzień dobry, chciałabym zostać wolontariuszką. Jak mogę pomóc?",
        "consent": "on",
        "website": "",
        **changes,
    }


def send(client, organization, capture, language="", **changes):
    with capture(execute=True):
        return client.post(contact_url(organization, language), message_data(**changes))


# --- Sending ------------------------------------------------------------------------


def test_a_message_is_stored_and_emailed_to_the_organisation_with_reply_to_the_sender(
    client, organization, mailoutbox, django_capture_on_commit_callbacks
):
    response = send(client, organization, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert response["Location"] == f"/organizacje/{organization.slug}/"

    message = ContactMessage.objects.get()
    assert message.organization == organization
    assert message.sender_name == "Maria Zielińska"
    assert message.sender_email == "maria@example.net"
    assert message.body.startswith("Dzień dobry")

    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [ORG_EMAIL]
    assert email.reply_to == ["maria@example.net"]
    assert "chciałabym zostać wolontariuszką" in email.body


def test_the_sender_is_told_it_was_sent_and_never_sees_the_organisations_address(
    client, organization, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact_url(organization, "en"), message_data(), follow=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert response.redirect_chain == [(f"/en/organizacje/{organization.slug}/", 302)]
    assert "Your message has been sent to Stowarzyszenie Sąsiedzi." in text
    assert ORG_EMAIL not in text
    assert len(mailoutbox) == 1


def test_without_a_public_address_the_message_goes_to_the_organisations_administrators(
    client, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(public_email="")
    MembershipFactory(user=ngo_member, organization=organization)
    response = send(client, organization, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert [m.to for m in mailoutbox] == [[ngo_member.email]]


def test_a_signed_in_person_can_write_too(
    client, organization, other_ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(other_ngo_member)
    response = send(client, organization, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert ContactMessage.objects.count() == 1
    assert len(mailoutbox) == 1


# --- Bad input ----------------------------------------------------------------------


def test_without_consent_nothing_is_sent_and_the_consent_box_shows_the_error(
    client, organization, mailoutbox, django_capture_on_commit_callbacks
):
    response = send(
        client, organization, django_capture_on_commit_callbacks, language="en", consent=""
    )
    text = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error:" in text
    assert 'href="#id_consent"' in text  # the error summary links to the box
    consent_input = text.split('name="consent"')[1].split(">")[0]
    assert 'aria-invalid="true"' in consent_input
    assert "id_consent_error" in consent_input
    assert '<div id="id_consent_error" class="invalid-feedback">' in text
    assert "otherwise we cannot send your message" in text
    # What was written stays in the form.
    assert "chciałabym zostać wolontariuszką" in text
    assert ContactMessage.objects.count() == 0
    assert mailoutbox == []


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"name": "  "}, "name"),
        ({"email": "maria-at-example"}, "email"),
        ({"message": ""}, "message"),
        ({"message": "x" * 5001}, "message"),
    ],
)
def test_invalid_fields_are_named_and_nothing_is_sent(
    client, organization, mailoutbox, django_capture_on_commit_callbacks, changes, field
):
    response = send(client, organization, django_capture_on_commit_callbacks, **changes)
    assert response.status_code == 200
    text = response.content.decode()
    assert f'href="#id_{field}"' in text
    assert f'id="id_{field}_error"' in text
    assert ContactMessage.objects.count() == 0
    assert mailoutbox == []


def test_an_empty_post_shows_the_errors_instead_of_an_empty_form(client, organization):
    response = client.post(contact_url(organization), {})
    assert response.status_code == 200
    assert "error-summary" in response.content.decode()
    assert ContactMessage.objects.count() == 0


def test_a_filled_honeypot_pretends_success_but_sends_nothing(
    client, organization, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            contact_url(organization, "en"),
            message_data(website="https://spam.example.com"),
            follow=True,
        )
    assert response.redirect_chain == [(f"/en/organizacje/{organization.slug}/", 302)]
    assert "Your message has been sent" in response.content.decode()
    assert ContactMessage.objects.count() == 0
    assert mailoutbox == []


def test_the_honeypot_is_hidden_from_people_and_screen_readers(client, organization):
    text = client.get(contact_url(organization)).content.decode()
    honeypot = text.split('<div class="d-none" aria-hidden="true">')[1].split("</div>")[0]
    assert 'name="website"' in honeypot
    assert 'tabindex="-1"' in honeypot
    assert 'autocomplete="off"' in honeypot


def test_too_many_messages_from_one_address_are_refused_with_429(
    client, organization, rate_limit, mailoutbox, django_capture_on_commit_callbacks
):
    other = with_administrator(OrganizationFactory())
    for target in [organization, organization, other]:
        assert send(client, target, django_capture_on_commit_callbacks).status_code == 302
    response = send(
        client,
        organization,
        django_capture_on_commit_callbacks,
        language="en",
        message="Czwarta wiadomość w ciągu godziny.",
    )
    assert response.status_code == 429
    text = response.content.decode()
    assert "Your message has not been sent." in text
    assert "Czwarta wiadomość w ciągu godziny." in text  # kept for a later try
    assert ContactMessage.objects.count() == 3
    assert len(mailoutbox) == 3


def test_invalid_attempts_do_not_use_up_the_limit(
    client, organization, rate_limit, django_capture_on_commit_callbacks
):
    for _ in range(5):
        send(client, organization, django_capture_on_commit_callbacks, consent="")
    assert send(client, organization, django_capture_on_commit_callbacks).status_code == 302
    assert ContactMessage.objects.count() == 1


@pytest.mark.parametrize(
    "status",
    [
        Organization.Status.DRAFT,
        Organization.Status.PENDING,
        Organization.Status.REJECTED,
        Organization.Status.ARCHIVED,
    ],
)
def test_an_unpublished_organisation_cannot_be_contacted(
    client, ngo_member, status, mailoutbox, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(status=status, rejection_reason="Brak statutu")
    MembershipFactory(user=ngo_member, organization=organization)
    client.force_login(ngo_member)  # even its own member
    assert client.get(contact_url(organization)).status_code == 404
    assert send(client, organization, django_capture_on_commit_callbacks).status_code == 404
    assert ContactMessage.objects.count() == 0
    assert mailoutbox == []


# --- The page -----------------------------------------------------------------------


@pytest.mark.parametrize("language", ["", "en"])
def test_the_contact_page_has_one_h1_and_a_labelled_field_for_everything(
    client, organization, language
):
    response = client.get(contact_url(organization, language))
    assert response.status_code == 200
    text = response.content.decode()
    assert text.count("<h1") == 1
    for name in ["name", "email", "message", "consent"]:
        assert f'for="id_{name}"' in text
        assert f'id="id_{name}"' in text
    assert 'maxlength="5000"' in text
    assert ORG_EMAIL not in text


def test_the_consent_states_that_the_organisation_becomes_controller_and_links_the_policy(
    client, organization, settings
):
    settings.CONTACT_MESSAGE_RETENTION_DAYS = 90
    text = client.get(contact_url(organization, "en")).content.decode()
    label = text.split('<label for="id_consent"')[1].split("</label>")[0]
    assert "Stowarzyszenie Sąsiedzi" in label
    assert "which then becomes the controller of these data" in label
    assert 'aria-describedby="id_consent_helptext"' in text
    helptext = text.split('id="id_consent_helptext"')[1].split("</div>")[0]
    assert "the portal deletes its copy after 90 days" in helptext
    assert '<a href="/en/polityka-prywatnosci/">' in helptext
    assert "Information on personal data processing" in text
    assert "President of the Personal Data Protection Office" in text


# --- Nobody to read it ------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("organizations:organization_contact")
def test_an_organisation_nobody_answers_for_says_so_and_its_form_saves_nothing(client, mailoutbox):
    """Its last administrator was removed (e.g. by staff): a message would be e-mailed
    to an address nobody answers for and kept on a page nobody can open."""
    organization = with_administrator(
        OrganizationFactory(name="Stowarzyszenie Bez Zarządu", public_email=ORG_EMAIL)
    )
    organization.memberships.all().delete()

    profile = client.get(f"/en/organizacje/{organization.slug}/").content.decode()
    notice = "At the moment this organisation has nobody to receive messages sent through"
    assert notice in profile
    assert 'name="consent"' not in profile
    page = client.get(contact_url(organization, "en"))
    assert page.status_code == 200
    assert notice in page.content.decode()
    assert 'name="message"' not in page.content.decode()

    response = client.post(contact_url(organization, "en"), message_data())
    text = response.content.decode()
    assert response.status_code == 200
    assert "has nobody to receive messages sent through the portal, so your message has" in text
    assert "chciałabym zostać wolontariuszką" in text  # what was written stays in the form
    assert ContactMessage.objects.count() == 0
    assert mailoutbox == []


def test_an_administrator_whose_account_is_switched_off_does_not_count(
    client, ngo_member, mailoutbox, django_capture_on_commit_callbacks
):
    organization = OrganizationFactory(public_email="")
    MembershipFactory(user=ngo_member, organization=organization)
    ngo_member.is_active = False
    ngo_member.save()
    response = send(client, organization, django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert ContactMessage.objects.count() == 0
    assert mailoutbox == []


# --- The admin ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path(
    "admin:organizations_contactmessage_delete",
    "admin:organizations_contactmessage_changelist:delete_selected",
)
def test_staff_delete_a_message_in_the_admin_for_instance_an_abusive_one(client, staff):
    organization = with_administrator(OrganizationFactory())
    messages = [
        ContactMessage.objects.create(
            organization=organization, sender_name=name, sender_email="x@example.org", body="."
        )
        for name in ("Pierwsza", "Druga", "Trzecia")
    ]
    client.force_login(staff)
    response = client.post(
        f"/admin/organizations/contactmessage/{messages[0].pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 302
    response = client.post(
        "/admin/organizations/contactmessage/",
        {"action": "delete_selected", "_selected_action": [messages[1].pk], "post": "yes"},
    )
    assert response.status_code == 302
    assert list(ContactMessage.objects.values_list("sender_name", flat=True)) == ["Trzecia"]
