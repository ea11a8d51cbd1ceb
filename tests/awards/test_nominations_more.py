"""Nominations after sending: changes until the close, the nominator's pages, the
downloads' permissions, the formal check, mail failures and the write paths run as
production runs them."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone, translation

from awards.models import Juror, Nomination, NominationChange, Score
from awards.services import nominations as services
from tests.awards.test_nominations import (
    close_nominations,
    form_data,
    link_in,
    nominate_url,
    path,
    pupil_data,
)
from tests.factories import UserFactory


def edit_data(nomination, **overrides):
    data = {
        "category": str(nomination.category_id),
        "nominee_kind": nomination.nominee_kind,
        "nominee_first_name": nomination.nominee_first_name,
        "nominee_last_name": nomination.nominee_last_name,
        "justification": nomination.justification,
        "nominator_name": nomination.nominator_name,
        "nominator_institution": nomination.nominator_institution,
        "school": nomination.school,
        "school_class": nomination.school_class,
        "guardian_name": nomination.guardian_name,
        "guardian_email": nomination.guardian_email,
    }
    data.update(overrides)
    return data


def my_url(nomination):
    return path("awards:my_nomination", nomination.public_id)


# --- Changes until the close -----------------------------------------------------------


@pytest.mark.django_db
def test_the_nominator_changes_the_nomination_until_the_close_then_reads_it(client, world):
    member = world.personas["ngo_member"]
    client.force_login(member)
    url = "/en" + my_url(world.nomination)
    page = client.get(url).content.decode()
    assert 'name="justification"' in page and "Rekomendacja" in page
    response = client.post(url, edit_data(world.nomination, justification="Nowe uzasadnienie."))
    assert response.status_code == 302
    nomination = Nomination.objects.get(pk=world.nomination.pk)
    assert nomination.justification == "Nowe uzasadnienie."
    change = NominationChange.objects.get(nomination=nomination, action="changed")
    assert "justification" in change.changes

    close_nominations(world.open_edition)
    page = client.get(url).content.decode()
    assert 'name="justification"' not in page
    assert "can no longer be changed" in page and "Nowe uzasadnienie." in page
    assert "Awaiting the formal check" in page
    response = client.post(url, edit_data(nomination, justification="Za późno."))
    assert "Nominations for this edition are closed" in response.content.decode()
    nomination.refresh_from_db()
    assert nomination.justification == "Nowe uzasadnienie."


@pytest.mark.django_db
def test_the_nominator_removes_and_adds_attachments(client, world):
    client.force_login(world.personas["ngo_member"])
    url = my_url(world.nomination)
    new = SimpleUploadedFile("plakat.pdf", b"%PDF-1.4 plakat", "application/pdf")
    data = edit_data(
        world.nomination,
        remove_attachments=[str(world.nomination_attachment.pk)],
        attachments=new,
    )
    assert client.post(url, data).status_code == 302
    names = [str(a) for a in world.nomination.attachments.all()]
    assert names == ["plakat.pdf"]
    change = NominationChange.objects.get(nomination=world.nomination, action="changed")
    assert change.changes["attachments"] == {"added": ["plakat.pdf"], "deleted": ["Rekomendacja"]}


@pytest.mark.django_db
def test_the_service_refuses_a_change_by_someone_else(world):
    with pytest.raises(ValidationError):
        services.nomination_update(
            nomination=world.nomination,
            user=world.personas["other_ngo_member"],
            category=world.category,
            nominee_kind="person",
            details={"justification": "X", "nominator_name": "Y"},
        )


@pytest.mark.django_db
def test_another_persons_nomination_is_not_found(client, world):
    client.force_login(world.personas["other_ngo_member"])
    assert client.get(my_url(world.nomination)).status_code == 404
    assert client.post(my_url(world.nomination), edit_data(world.nomination)).status_code == 404
    page = client.get(path("awards:my_nominations")).content.decode()
    assert "Wróblewska" not in page


@pytest.mark.django_db
def test_the_edit_link_works_without_an_account(client, world):
    token = services.nomination_token_make(world.unconfirmed_nomination)
    url = path("awards:nomination_edit_link", token)
    assert client.get(url).status_code == 200
    assert client.get(url)["X-Robots-Tag"] == "noindex"
    response = client.post(
        url, edit_data(world.unconfirmed_nomination, category=str(world.category.pk))
    )
    assert response.status_code == 302
    world.unconfirmed_nomination.refresh_from_db()
    assert world.unconfirmed_nomination.category == world.category
    other = services.nomination_token_make(world.nomination)
    assert client.get(path("awards:nomination_edit_link", other[:-2] + "xx")).status_code == 404


@pytest.mark.django_db
def test_the_confirmation_link_after_the_close_says_it_is_too_late(client, world):
    token = services.nomination_token_make(world.unconfirmed_nomination, services.CONFIRM)
    close_nominations(world.open_edition)
    url = "/en" + path("awards:nomination_confirm", token)
    assert "too late to confirm" in client.get(url).content.decode()
    client.post(url)
    world.unconfirmed_nomination.refresh_from_db()
    assert world.unconfirmed_nomination.confirmed_at is None


# --- My nominations --------------------------------------------------------------------


@pytest.mark.django_db
def test_my_nominations_lists_states_across_editions(client, world):
    member = world.personas["ngo_member"]
    Nomination.objects.filter(pk=world.accepted_nomination.pk).update(nominator_user=member)
    Nomination.objects.filter(pk=world.mention.pk).update(
        nominator_user=member, status="rejected", rejection_reason="Brak zgody.", award=""
    )
    client.force_login(member)
    page = client.get("/en" + path("awards:my_nominations")).content.decode()
    assert "Awaiting the formal check" in page and "Accepted" in page
    assert "Rejected" in page and "Brak zgody." in page
    assert my_url(world.nomination).lstrip("/") in page


@pytest.mark.django_db
def test_my_nominations_runs_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    member = world.personas["ngo_member"]
    base = Nomination.objects.get(pk=world.nomination.pk)
    for i in range(60):
        base.pk = None
        base.public_id = __import__("uuid").uuid4()
        base.category = world.category if i % 2 else world.other_category
        base.save()
    client.force_login(member)
    url = path("awards:my_nominations")
    client.get(url)
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.content.decode().count("Halina Wróblewska") == 61


# --- Downloads -------------------------------------------------------------------------


def attachment_path(world):
    attachment = world.nomination_attachment
    return path("awards:nomination_attachment", attachment.pk, attachment.download_name)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("anonymous", 404),
        ("ngo_member", 200),  # the nominator
        ("outsider", 404),
        ("staff", 200),
        ("juror", 200),  # a juror of every category of the edition
        ("other_juror", 200),  # the nomination's category is theirs
        ("other_category_juror", 404),
        ("juror_of_another_edition", 404),
    ],
)
def test_who_may_download_an_attachment(client, world, staff, who, status):
    users = {
        "ngo_member": world.personas["ngo_member"],
        "outsider": UserFactory(email="outsider@example.com"),
        "staff": staff,
        "juror": world.juror_user,
        "other_juror": world.other_juror_user,
    }
    if who == "other_category_juror":
        Nomination.objects.filter(pk=world.nomination.pk).update(category=world.other_category)
        users[who] = world.other_juror_user
    if who == "juror_of_another_edition":
        users[who] = UserFactory(email="juror3@example.com")
        Juror.objects.create(edition=world.jury_edition, user=users[who])
    if who in users:
        client.force_login(users[who])
    response = client.get(attachment_path(world))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Disposition"].startswith("attachment")
        assert b"".join(response.streaming_content) == b"%PDF-1.4 rekomendacja"


@pytest.mark.django_db
def test_a_wrong_file_name_is_not_found(client, world):
    client.force_login(world.personas["ngo_member"])
    url = path("awards:nomination_attachment", world.nomination_attachment.pk, "inny.pdf")
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_only_staff_download_a_consent_form(client, world, staff):
    nomination = services.nomination_consent_upload(
        nomination=world.minor_nomination,
        file=SimpleUploadedFile("zgoda.pdf", b"%PDF-1.4 zgoda", "application/pdf"),
        user=staff,
    )
    assert nomination.counts and nomination.consent_method == "upload"
    name = nomination.consent_file.name.rsplit("/", 1)[-1]
    url = path("awards:nomination_consent_file", nomination.pk, name)
    assert client.get(url).status_code == 404
    client.force_login(world.juror_user)
    assert client.get(url).status_code == 404
    client.force_login(staff)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")


# --- The formal check ------------------------------------------------------------------


@pytest.mark.django_db
def test_staff_accept_and_the_nominator_is_e_mailed(
    world, staff, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        nomination = services.nomination_accept(nomination=world.nomination, user=staff)
    assert nomination.status == "accepted" and nomination.checked_by == staff
    (message,) = mailoutbox
    assert message.to == [world.nomination.nominator_email]
    assert "accepted" in message.subject or "przyjęte" in message.subject.lower()
    assert nomination.changes.filter(action="approved").exists()


@pytest.mark.django_db
def test_staff_reject_with_a_reason_that_is_e_mailed(
    world, staff, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with pytest.raises(ValidationError):
        services.nomination_reject(nomination=world.nomination, user=staff, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        nomination = services.nomination_reject(
            nomination=world.nomination, user=staff, reason="Kandydatka nie mieszka w Białymstoku."
        )
    assert nomination.status == "rejected"
    (message,) = mailoutbox
    assert "Kandydatka nie mieszka w Białymstoku." in message.body
    record = nomination.changes.get(action="rejected")
    assert record.note == "Kandydatka nie mieszka w Białymstoku."


@pytest.mark.django_db
def test_a_nomination_that_does_not_count_is_not_checked(world, staff):
    for nomination in (world.unconfirmed_nomination, world.minor_nomination):
        with pytest.raises(ValidationError):
            services.nomination_accept(nomination=nomination, user=staff)
        with pytest.raises(ValidationError):
            services.nomination_reject(nomination=nomination, user=staff, reason="Nie.")


@pytest.mark.django_db
def test_a_scored_accepted_nomination_is_not_rejected(world, staff):
    assert Score.objects.filter(nomination=world.accepted_nomination).exists()
    with pytest.raises(ValidationError):
        services.nomination_reject(nomination=world.accepted_nomination, user=staff, reason="X")
    world.accepted_nomination.refresh_from_db()
    assert world.accepted_nomination.status == "accepted"


# --- Privacy of a young person ---------------------------------------------------------


@pytest.mark.django_db
def test_the_minors_surname_is_on_no_page_the_public_or_the_guardian_sees(client, world):
    minor = world.minor_nomination
    pages = [
        nominate_url(world),
        path("awards:nomination_consent", services.nomination_token_make(minor, services.CONSENT)),
        path("awards:nomination_confirm", services.nomination_token_make(minor, services.CONFIRM)),
    ]
    for url in pages:
        for prefix in ("", "/en"):
            page = client.get(prefix + url).content.decode()
            assert "Malinowska" not in page, url
    assert minor.public_name == "Zuzanna M."


# --- Mail failures ---------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_failing_mail_server_keeps_the_nomination_and_the_page_says_so(client, world, settings):
    settings.EMAIL_BACKEND = "tests.mail.DownBackend"
    response = client.post("/en" + nominate_url(world), form_data(world), follow=True)
    assert Nomination.objects.filter(nominee_last_name="Sokołowska").exists()
    assert "could not be sent just now" in response.content.decode()


# --- Write paths -----------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("awards:nominate", "awards:nomination_confirm", "awards:nomination_consent")
def test_a_school_nominates_a_pupil_through_the_pages(client, world, mailoutbox):
    mailoutbox.clear()
    assert client.post(nominate_url(world), pupil_data(world)).status_code == 302
    nomination = Nomination.objects.get(nominee_last_name="Zawadzka")
    confirm = link_in(mailoutbox[-1], "awards:nomination_confirm")
    assert client.post(confirm).status_code == 302
    consent = link_in(
        next(m for m in mailoutbox if m.to == ["beata.zawadzka@example.com"]),
        "awards:nomination_consent",
    )
    assert client.post(consent).status_code == 200
    nomination.refresh_from_db()
    assert nomination.counts and nomination.consent_method == "email"
    assert nomination.changes.count() == 3


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("awards:nomination_edit_link")
def test_a_nominator_without_an_account_changes_it_by_the_link(client, world):
    nomination = world.unconfirmed_nomination
    url = path("awards:nomination_edit_link", services.nomination_token_make(nomination))
    assert client.post(url, edit_data(nomination, justification="Poprawione.")).status_code == 302
    nomination.refresh_from_db()
    assert nomination.justification == "Poprawione."
    assert nomination.changes.filter(action="changed").exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("awards:my_nomination")
def test_a_signed_in_nominator_changes_it_on_the_account_page(client, world):
    client.force_login(world.personas["ngo_member"])
    response = client.post(my_url(world.nomination), edit_data(world.nomination, school_class="x"))
    assert response.status_code == 302
    nomination = Nomination.objects.get(pk=world.nomination.pk)
    assert nomination.school_class == ""  # not a young person: the pupil's fields are dropped
    response = client.post(my_url(nomination), edit_data(nomination, nominee_first_name="Halinka"))
    nomination.refresh_from_db()
    assert nomination.nominee_first_name == "Halinka"
    assert translation.get_language()  # the request left a language active
    assert timezone.now() < nomination.edition.nominations_close
