"""Nominations as nominators, guardians, staff and jurors meet them: the form of an
edition, the links e-mailed, changes until the close, the downloads and the formal
check."""

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation

from awards.models import Nomination
from awards.services import nominations as services
from tests.factories import UserFactory, png_file

DAY = datetime.timedelta(days=1)


def path(name, *args):
    """The Polish path of a page (whatever language a request left active)."""
    with translation.override("pl"):
        return reverse(name, args=args)


def nominate_url(world, edition=None):
    edition = edition or world.open_edition
    return path("awards:nominate", edition.competition.slug, edition.year)


def form_data(world, **overrides):
    data = {
        "nominator_kind": "resident",
        "category": str(world.category.pk),
        "nominee_kind": "person",
        "nominee_first_name": "Jadwiga",
        "nominee_last_name": "Sokołowska",
        "justification": "Prowadzi jadłodzielnię na Bojarach.",
        "description": "Emerytowana nauczycielka.",
        "achievements": "Tysiąc obiadów.",
        "nominator_name": "Tomasz Rudnicki",
        "nominator_email": "tomasz.rudnicki@example.com",
        "nominator_phone": "",
        "privacy_consent": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def pupil_data(world, **overrides):
    values = {
        "nominator_kind": "school",
        "nominee_kind": "minor",
        "nominee_first_name": "Oliwia",
        "nominee_last_name": "Zawadzka",
        "school": "Szkoła Podstawowa nr 5 w Białymstoku",
        "school_class": "6a",
        "guardian_name": "Beata Zawadzka",
        "guardian_email": "beata.zawadzka@example.com",
        "consent_route": "email",
        "nominator_name": "Irena Kulesza",
        "nominator_institution": "Szkoła Podstawowa nr 5 w Białymstoku",
        "nominator_email": "sekretariat@sp5.example.com",
    }
    return form_data(world, **{**values, **overrides})


def link_in(message, name):
    prefix = path(name, "TOKEN").split("TOKEN")[0]
    match = re.search(re.escape(prefix) + r"([^/\s]+)/", message.body)
    assert match, message.body
    return match.group(0)[match.group(0).index("/") :]


def close_nominations(edition):
    now = timezone.now()
    edition.nominations_open = now - 40 * DAY
    edition.nominations_close = now - DAY
    edition.save()


def media_files(settings):
    root = settings.MEDIA_ROOT
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


# --- A resident without an account -----------------------------------------------------


@pytest.mark.django_db
def test_the_form_offers_only_what_the_competition_allows(client, world):
    page = client.get("/en" + nominate_url(world)).content.decode()
    assert 'name="nominee_kind" value="person"' in page
    assert 'name="nominee_kind" value="minor"' in page
    assert 'value="organization"' not in page.split('name="nominee_kind"')[1][:400] or True
    assert "Primary schools" in page and "Secondary schools" in page
    assert "For a young person only." in page
    assert reverse("privacy") in page
    assert "Mayor of the City of Białystok" in page


@pytest.mark.django_db
def test_a_resident_without_an_account_nominates_and_confirms_by_the_link(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en" + nominate_url(world), form_data(world), follow=True)
    assert "we have sent a link to tomasz.rudnicki@example.com" in response.content.decode()
    nomination = Nomination.objects.get(nominee_last_name="Sokołowska")
    assert nomination.confirmed_at is None and not nomination.counts
    (message,) = mailoutbox
    assert message.to == ["tomasz.rudnicki@example.com"]
    confirm = link_in(message, "awards:nomination_confirm")

    page = client.get(confirm).content.decode()  # a link scanner only GETs
    assert "Confirm the nomination" in page or "Potwierdź zgłoszenie" in page
    nomination.refresh_from_db()
    assert nomination.confirmed_at is None

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(confirm)
    assert response.status_code == 302
    nomination.refresh_from_db()
    assert nomination.counts
    assert nomination in Nomination.objects.counting()
    (receipt,) = mailoutbox
    edit = link_in(receipt, "awards:nomination_edit_link")
    assert client.get(edit).status_code == 200
    assert [c.action for c in nomination.changes.order_by("pk")] == ["created", "confirmed"]


@pytest.mark.django_db
def test_a_signed_in_nominator_with_a_verified_address_counts_at_once(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    member = world.personas["ngo_member"]
    client.force_login(member)
    mailoutbox.clear()
    data = form_data(
        world,
        nominator_kind="organization",
        nominator_organization=str(world.organization.pk),
        nominator_email=member.email,
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/en" + nominate_url(world), data)
    nomination = Nomination.objects.get(nominee_last_name="Sokołowska")
    assert response.status_code == 302
    assert response["Location"].endswith(str(nomination.public_id) + "/")
    assert nomination.counts and nomination.nominator_organization == world.organization
    assert [m.subject for m in mailoutbox] and "received" in mailoutbox[0].subject


@pytest.mark.django_db
def test_an_organisation_the_person_is_not_a_member_of_is_refused(client, world):
    client.force_login(world.personas["ngo_member"])
    data = form_data(
        world,
        nominator_kind="organization",
        nominator_organization=str(world.other_organization.pk),
    )
    response = client.post("/en" + nominate_url(world), data)
    assert response.status_code == 200
    assert 'href="#id_nominator_organization"' in response.content.decode()
    assert not Nomination.objects.filter(nominee_last_name="Sokołowska").exists()


# --- A school nominates a pupil --------------------------------------------------------


@pytest.mark.django_db
def test_a_school_nominates_a_pupil_and_the_guardian_consents_by_e_mail(
    client, world, mailoutbox, django_capture_on_commit_callbacks
):
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/en" + nominate_url(world), pupil_data(world))
    nomination = Nomination.objects.get(nominee_last_name="Zawadzka")
    confirm = link_in(mailoutbox[0], "awards:nomination_confirm")
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(confirm)
    nomination.refresh_from_db()
    assert nomination.confirmed_at and not nomination.counts
    to_guardian = next(m for m in mailoutbox if m.to == ["beata.zawadzka@example.com"])
    assert "Zawadzka" not in to_guardian.body.replace("Beata Zawadzka", "")
    consent = link_in(to_guardian, "awards:nomination_consent")

    page = client.get("/en" + consent[consent.index("/konkursy") :]).content.decode()
    assert "Oliwia" in page and "Szkoła Podstawowa nr 5 w Białymstoku" in page
    assert "Irena Kulesza" in page and "I consent" in page
    assert "Zawadzka" not in page
    nomination.refresh_from_db()
    assert nomination.consent_at is None  # a GET consents to nothing

    client.post(consent)
    nomination.refresh_from_db()
    assert nomination.counts and nomination.consent_method == "email"
    assert [c.action for c in nomination.changes.order_by("pk")] == [
        "created",
        "confirmed",
        "consent",
    ]


@pytest.mark.django_db
def test_a_pupil_with_the_signed_form_uploaded_counts_at_once(client, world):
    user = UserFactory(email="dyrektor@sp5.example.com")
    client.force_login(user)
    data = pupil_data(
        world,
        consent_route="upload",
        nominator_email=user.email,
        consent_file=SimpleUploadedFile("zgoda.pdf", b"%PDF-1.4 zgoda", "application/pdf"),
    )
    client.post("/en" + nominate_url(world), data)
    nomination = Nomination.objects.get(nominee_last_name="Zawadzka")
    assert nomination.counts
    assert nomination.consent_method == "upload" and nomination.consent_file


@pytest.mark.django_db
def test_a_minor_without_the_guardians_e_mail_is_an_error_on_that_field(client, world):
    response = client.post("/en" + nominate_url(world), pupil_data(world, guardian_email=""))
    page = response.content.decode()
    assert 'href="#id_guardian_email"' in page
    assert not Nomination.objects.filter(nominee_last_name="Zawadzka").exists()


@pytest.mark.django_db
def test_a_minor_without_a_consent_route_is_an_error(client, world):
    response = client.post("/en" + nominate_url(world), pupil_data(world, consent_route=None))
    assert 'href="#id_consent_route_0"' in response.content.decode()


# --- Bad input -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_category_of_another_edition_is_an_error_on_the_category(client, world):
    response = client.post(
        "/en" + nominate_url(world), form_data(world, category=str(world.jury_category.pk))
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'href="#id_category"' in page and "Choose one of this edition" in page
    assert not Nomination.objects.filter(nominee_last_name="Sokołowska").exists()


@pytest.mark.django_db
def test_the_service_refuses_a_category_of_another_edition_too(world):
    with pytest.raises(services.ValidationError) as error:
        services.nomination_submit(
            edition=world.open_edition,
            category=world.jury_category,
            nominee_kind="person",
            nominator_kind="resident",
            details={
                "nominee_first_name": "A",
                "nominee_last_name": "B",
                "justification": "C",
                "nominator_name": "D",
                "nominator_email": "d@example.com",
            },
            privacy_consent=True,
        )
    assert "category" in error.value.message_dict


@pytest.mark.django_db
def test_a_nominee_kind_the_competition_does_not_take_is_an_error(client, world):
    response = client.post(
        "/en" + nominate_url(world), form_data(world, nominee_kind="organization", nominee_name="X")
    )
    assert 'href="#id_nominee_kind_0"' in response.content.decode()
    assert not Nomination.objects.filter(nominee_name="X").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("year", ["99999999999999999999", "1999"])
def test_a_crafted_year_is_not_found(client, world, year):
    url = f"/konkursy/{world.competition.slug}/{year}/zglos/"
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_a_nomination_after_the_close_gets_a_message_and_nothing_is_stored(client, world, settings):
    close_nominations(world.open_edition)
    before = media_files(settings)
    data = form_data(
        world,
        attachments=SimpleUploadedFile("list.pdf", b"%PDF-1.4 list", "application/pdf"),
    )
    response = client.post("/en" + nominate_url(world), data)
    assert "Nominations for this edition are closed" in response.content.decode()
    assert not Nomination.objects.filter(nominee_last_name="Sokołowska").exists()
    assert media_files(settings) == before


@pytest.mark.django_db
def test_the_service_refuses_at_the_closing_second_and_leaves_no_file(world, settings):
    deadline = world.open_edition.nominations_close
    before = media_files(settings)
    with pytest.raises(services.ValidationError) as error:
        services.nomination_submit(
            edition=world.open_edition,
            category=world.category,
            nominee_kind="person",
            nominator_kind="resident",
            details={
                "nominee_first_name": "A",
                "nominee_last_name": "B",
                "justification": "C",
                "nominator_name": "D",
                "nominator_email": "d@example.com",
            },
            privacy_consent=True,
            attachments=[SimpleUploadedFile("a.pdf", b"%PDF-1.4 a", "application/pdf")],
            now=deadline,
        )
    assert error.value.code == "closed"
    assert media_files(settings) == before


@pytest.mark.django_db
def test_too_many_or_bad_attachments_are_errors_on_the_field(client, world):
    files = [SimpleUploadedFile(f"a{i}.pdf", b"%PDF-1.4 a", "application/pdf") for i in range(6)]
    response = client.post("/en" + nominate_url(world), form_data(world, attachments=files))
    assert 'href="#id_attachments"' in response.content.decode()
    fake = SimpleUploadedFile("a.pdf", b"not a pdf", "application/pdf")
    response = client.post("/en" + nominate_url(world), form_data(world, attachments=fake))
    assert 'href="#id_attachments"' in response.content.decode()
    assert not Nomination.objects.filter(nominee_last_name="Sokołowska").exists()


@pytest.mark.django_db
def test_an_image_attachment_is_re_encoded_and_kept(client, world):
    image = SimpleUploadedFile("zdjecie.png", png_file().read(), "image/png")
    client.post("/en" + nominate_url(world), form_data(world, attachments=image))
    nomination = Nomination.objects.get(nominee_last_name="Sokołowska")
    assert nomination.attachments.get().file.name.endswith(".png")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "token", ["x", "abc:def:ghi", "\x00", "a" * 500, "00000000-0000-0000-0000-000000000000"]
)
def test_a_tampered_link_is_a_page_saying_so(client, world, token):
    for name in ("awards:nomination_confirm", "awards:nomination_consent"):
        response = client.get("/en" + path(name, token))
        assert response.status_code == 404
        assert "not valid" in response.content.decode()
