"""The trainings pages as people use them: the list (upcoming and past with their
materials), a training with its registration forms (a member's people, a
resident's e-mail confirmation), the links from the e-mails, the calendar feeds,
the materials and the home page's upcoming trainings.

Trainings are set in 2030 (ahead) or 2020 (over); pages and letters are checked
in English, the source language of the texts.
"""

import re

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation
from icalendar import Calendar

from consultations.models import Registration, Training, TrainingMaterial
from consultations.services import trainings as services
from tests.consultations.test_trainings import (
    TrainingRoomFactory,
    WorkshopFactory,
    link_in,
    only_letter_to,
)
from tests.factories import MINIMAL_PDF, local
from tests.organizations.factories import MembershipFactory, OrganizationFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]

PAST = [(local(2020, 5, 12, 10), local(2020, 5, 12, 14))]


@pytest.fixture
def english(settings):
    """Pages and letters in English (served without a prefix while it is the default)."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def organization(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Seniorów Bojary")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


@pytest.fixture
def mailed(django_capture_on_commit_callbacks):
    """Requests whose letters are sent (as after a real commit)."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    return run


def detail_url(training):
    return reverse("consultations:training_detail", args=[training.slug])


def text_of(response):
    """The page's text without tags, spaces squeezed (what a reader sees)."""
    return text_of_html(response.content.decode())


def text_of_html(html):
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


def people(organization, *rows, **extra):
    """The member's form: rows of (name, e-mail), the rest empty."""
    data = {
        "organization": organization.pk,
        "person-TOTAL_FORMS": "5",
        "person-INITIAL_FORMS": "0",
        "person-MIN_NUM_FORMS": "1",
        "person-MAX_NUM_FORMS": "5",
    }
    for n in range(5):
        name, email = rows[n] if n < len(rows) else ("", "")
        data[f"person-{n}-name"] = name
        data[f"person-{n}-email"] = email
    data.update(extra)
    return data


def resident(name="Maria Mieszkanka", email="maria@example.org", **extra):
    data = {"name": name, "email": email, "consent": "on"}
    data.update(extra)
    return data


# --- The journey: a member fills a training; the third person waits, then gets a seat -------


def test_member_registers_two_then_a_third_waits_and_is_promoted_when_one_cancels(
    client, ngo_member, organization, mailed
):
    training = WorkshopFactory(capacity=2)
    client.force_login(ngo_member)
    url = detail_url(training)

    page = client.get(url)
    assert page.status_code == 200
    text = text_of(page)
    assert "2 seats are free." in text
    assert "Person 5" in text
    assert f'value="{ngo_member.email}"' in page.content.decode()  # the member first
    assert f'<option value="{organization.pk}" selected>' in page.content.decode()

    response = mailed(
        client.post,
        url,
        people(
            organization,
            ("Anna Nowak", "anna@ngo.example.org"),
            ("Bartek Zięba", "bartek@ngo.example.org"),
        ),
        follow=True,
    )
    assert response.redirect_chain == [(url, 302)]
    assert "Registered: Anna Nowak, Bartek Zięba." in messages_of(response)[0]
    text = text_of(response)
    assert "All seats are taken." in text
    assert "Join the waiting list" in text

    response = mailed(
        client.post,
        url,
        people(organization, ("Celina Wrona", "celina@ngo.example.org")),
        follow=True,
    )
    assert "On the waiting list: Celina Wrona." in messages_of(response)[0]
    assert only_letter_to("celina@ngo.example.org").subject.startswith(
        "You are on the waiting list"
    )

    # Anna cannot come: she cancels with the link from her e-mail.
    client.logout()
    anna_link = link_in(only_letter_to("anna@ngo.example.org"), "zgloszenie")
    page = client.get(anna_link)
    assert page.status_code == 200
    assert page["X-Robots-Tag"] == "noindex"
    assert "Registered" in text_of(page)
    mail.outbox.clear()
    response = mailed(client.post, anna_link, follow=True)
    assert "Your registration is cancelled." in messages_of(response)[0]
    assert "Cancelled" in text_of(response)
    assert "Cancel my registration" not in text_of(response)

    # Celina gets the seat and an e-mail.
    promoted = only_letter_to("celina@ngo.example.org")
    assert promoted.subject.startswith("A seat is yours")
    celina_page = client.get(link_in(promoted, "zgloszenie"))
    assert "Registered" in text_of(celina_page)
    assert "Place on the waiting list" not in text_of(celina_page)
    assert Registration.objects.filter(training=training, status="registered").count() == 2


def test_the_waiting_list_page_shows_the_place(client, organization, ngo_member):
    training = WorkshopFactory(capacity=1)
    for n in range(3):
        services.registration_create(
            training=training,
            name=f"Osoba {n}",
            email=f"p{n}@example.org",
            user=ngo_member,
            organization=organization,
        )
    third = Registration.objects.get(email="p2@example.org")
    token = services.registration_token_make(third, services.MANAGE)

    text = text_of(client.get(reverse("consultations:registration_manage", args=[token])))

    assert "On the waiting list" in text
    assert "Place on the waiting list: 2" in text


def test_a_members_rows_are_checked_and_nothing_is_saved_on_an_error(
    client, ngo_member, organization, mailed
):
    training = WorkshopFactory(capacity=5)
    services.registration_create(
        training=training,
        name="Ola",
        email="ola@example.org",
        user=ngo_member,
        organization=organization,
    )
    client.force_login(ngo_member)

    response = client.post(
        detail_url(training),
        people(
            organization,
            ("Anna", "anna@example.org"),
            ("Bez adresu", ""),
            ("Kopia", "ANNA@example.org"),
        ),
    )

    assert response.status_code == 200
    text = text_of(response)
    assert text.startswith("Error:")
    assert "The form has errors" in text
    assert "Person 2: E-mail address: Give the e-mail address of this person." in text
    assert "Person 3: E-mail address: This address is already in another row." in text
    assert 'href="#id_person-1-email"' in response.content.decode()
    assert Registration.objects.count() == 1

    # A row the service refuses (already registered): nothing of the form is saved or sent.
    response = mailed(
        client.post,
        detail_url(training),
        people(organization, ("Anna", "anna@example.org"), ("Ola", "ola@example.org")),
    )
    assert response.status_code == 200
    assert (
        "Person 2: E-mail address: ola@example.org is already registered for this training."
        in text_of(response)
    )
    assert Registration.objects.count() == 1
    assert mail.outbox == []


def test_a_member_cannot_register_for_someone_elses_organisation(client, ngo_member, organization):
    stranger = OrganizationFactory(name="Fundacja Obca")
    client.force_login(ngo_member)

    response = client.post(
        detail_url(WorkshopFactory()), people(stranger, ("Anna", "anna@example.org"))
    )

    assert response.status_code == 200
    assert "Organisation: Choose one of your organisations." in text_of(response)
    assert not Registration.objects.exists()


# --- A resident with e-mail confirmation -------------------------------------------------------


def test_a_resident_registers_confirms_by_the_link_and_gets_a_seat(client, mailed):
    training = WorkshopFactory(capacity=3)
    url = detail_url(training)

    page = client.get(url)
    text = text_of(page)
    assert "Your full name" in text
    assert "I agree that the NGO Cooperation Centre processes my name" in text
    assert "Information on personal data processing" in text

    # Without the consent: the form comes back with its errors, nothing stored.
    response = client.post(url, resident(consent=""))
    assert response.status_code == 200
    assert text_of(response).startswith("Error:")
    assert "Tick this box to agree" in text_of(response)
    assert not Registration.objects.exists()

    response = mailed(client.post, url, resident(), follow=True)
    assert "we have sent a link to maria@example.org" in messages_of(response)[0]
    registration = Registration.objects.get()
    assert registration.status == "unconfirmed"

    confirm_link = link_in(only_letter_to("maria@example.org"), "potwierdz")
    page = client.get(confirm_link)  # opening the link changes nothing by itself
    assert page.status_code == 200
    assert "Confirm my registration" in text_of(page)
    registration.refresh_from_db()
    assert registration.status == "unconfirmed"

    mail.outbox.clear()
    response = mailed(client.post, confirm_link, follow=True)
    assert response.redirect_chain[0][0].startswith("/szkolenia/zgloszenie/")
    assert "You are registered." in messages_of(response)[0]
    registration.refresh_from_db()
    assert registration.status == "registered"
    assert only_letter_to("maria@example.org").subject.startswith("You are registered")
    # The link again: already confirmed, nothing changes.
    assert "already confirmed" in text_of(client.get(confirm_link))


def test_a_full_training_says_the_resident_will_join_the_waiting_list(client):
    training = WorkshopFactory(capacity=1)
    Registration.objects.create(
        training=training, name="A", email="a@example.org", status="registered"
    )

    text = text_of(client.get(detail_url(training)))

    assert "All seats are taken." in text
    assert "you will join the waiting list" in text
    assert "Join the waiting list" in text


def test_a_resident_cannot_register_an_address_twice(client):
    training = WorkshopFactory()
    Registration.objects.create(
        training=training, name="Maria", email="maria@example.org", status="registered"
    )

    response = client.post(detail_url(training), resident(email="Maria@Example.org"))

    assert response.status_code == 200
    assert "maria@example.org is already registered for this training." in text_of(response)
    assert Registration.objects.count() == 1


def test_a_bot_filling_the_honeypot_registers_nobody(client):
    response = client.post(detail_url(WorkshopFactory()), resident(website="http://spam.example"))

    assert response.status_code == 302
    assert not Registration.objects.exists()
    assert mail.outbox == []


def test_too_many_registrations_from_one_connection_are_refused(client, settings):
    settings.ACCOUNT_RATE_LIMITS = {
        **settings.ACCOUNT_RATE_LIMITS,
        "training_registration": "2/h/ip",
    }
    training = WorkshopFactory(capacity=10)
    for n in range(2):
        assert (
            client.post(detail_url(training), resident(email=f"p{n}@example.org")).status_code
            == 302
        )

    response = client.post(detail_url(training), resident(email="p3@example.org"))

    assert response.status_code == 429
    assert "Too many registrations have been sent from your connection" in text_of(response)
    assert Registration.objects.count() == 2


# --- Bad links -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["registration_confirm", "registration_manage"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_or_unknown_link_gets_a_clear_page_and_changes_nothing(client, name, method):
    training = WorkshopFactory()
    registration = Registration.objects.create(
        training=training, name="Maria", email="maria@example.org", status="unconfirmed"
    )
    purpose = services.CONFIRM if name == "registration_confirm" else services.MANAGE
    token = services.registration_token_make(registration, purpose)

    for bad in [
        token[:-2] + "xx",
        "12:abc:def",
        "nic",
        token.replace(str(registration.pk), "999", 1),
    ]:
        response = getattr(client, method)(reverse(f"consultations:{name}", args=[bad]))
        assert response.status_code == 200
        assert "This link is not valid or has expired" in text_of(response)
        assert "Nothing has been changed." in text_of(response)
    registration.refresh_from_db()
    assert registration.status == "unconfirmed"


def test_an_expired_confirmation_link_gets_the_clear_page(client):
    import time_machine

    registration = Registration.objects.create(
        training=WorkshopFactory(), name="Maria", email="maria@example.org", status="unconfirmed"
    )
    with time_machine.travel("2029-01-01 10:00 +0000", tick=False):
        token = services.registration_token_make(registration, services.CONFIRM)
    with time_machine.travel("2029-01-09 10:00 +0000", tick=False):
        response = client.post(reverse("consultations:registration_confirm", args=[token]))

    assert "This link is not valid or has expired" in text_of(response)
    registration.refresh_from_db()
    assert registration.status == "unconfirmed"


def test_confirming_after_the_deadline_says_so(client):
    registration = Registration.objects.create(
        training=WorkshopFactory(registration_deadline=local(2021, 1, 1)),
        name="Maria",
        email="maria@example.org",
        status="unconfirmed",
    )
    token = services.registration_token_make(registration, services.CONFIRM)

    response = client.post(reverse("consultations:registration_confirm", args=[token]))

    assert response.status_code == 200
    assert "Your registration could not be confirmed. Registration closed on" in text_of(response)
    registration.refresh_from_db()
    assert registration.status == "unconfirmed"


# --- Closed and cancelled trainings, drafts ----------------------------------------------------


def test_after_the_deadline_the_page_says_so_and_takes_no_registration(client):
    training = WorkshopFactory(registration_deadline=local(2021, 1, 1, 12))

    page = client.get(detail_url(training))
    assert "Registration closed on 1 January 2021, 12:00." in text_of(page)
    assert 'name="email"' not in page.content.decode()

    response = client.post(detail_url(training), resident(), follow=True)
    assert "Registration closed on" in messages_of(response)[0]
    assert not Registration.objects.exists()


def test_a_cancelled_training_shows_the_reason_and_no_form(client, ngo_member):
    training = WorkshopFactory(
        status=Training.Status.CANCELLED, cancellation_reason="Choroba trenera."
    )
    client.force_login(ngo_member)

    page = client.get(detail_url(training))

    assert page.status_code == 200
    assert "This training has been cancelled. Reason: Choroba trenera." in text_of(page)
    assert 'name="email"' not in page.content.decode()


def test_a_draft_is_seen_only_by_staff(client, ngo_member, staff):
    draft = WorkshopFactory(status=Training.Status.DRAFT)

    assert client.get(detail_url(draft)).status_code == 404
    client.force_login(ngo_member)
    assert client.get(detail_url(draft)).status_code == 404
    assert client.get(reverse("consultations:training_ics", args=[draft.slug])).status_code == 404
    client.force_login(staff)
    page = client.get(detail_url(draft))
    assert page.status_code == 200
    assert "This training is a draft" in text_of(page)


# --- What the training page shows ----------------------------------------------------------------


def test_the_page_shows_sessions_trainer_audience_and_links_the_room(client):
    room = TrainingRoomFactory(slug="sala-duza")
    training = WorkshopFactory(
        place="",
        sessions=[
            (local(2030, 3, 12, 10), local(2030, 3, 12, 14), room),
            (local(2030, 3, 19, 10), local(2030, 3, 19, 14), room),
        ],
        description_en="## Program\n\nPraktyczne **warsztaty**.<script>alert(1)</script>",
    )

    page = client.get(detail_url(training))
    html = page.content.decode()
    text = text_of(page)

    assert (
        "Tuesday, 12 March 2030, 10:00 – 14:00" in text
        or "Tuesday, 12 March 2030, 10:00–14:00" in text
    )
    assert "Tuesday, 19 March 2030" in text
    assert "Ewa Trenerska" in text and "Board members" in text
    assert f'href="{reverse("rooms:resource_detail", args=["sala-duza"])}"' in html
    assert "<strong>warsztaty</strong>" in html
    assert "<script>alert(1)" not in html
    assert reverse("consultations:training_ics", args=[training.slug]) in html


def test_an_online_training_does_not_show_how_to_join(client):
    training = WorkshopFactory(
        is_online=True, place="", online_details="https://meet.example/tajne"
    )

    text = text_of(client.get(detail_url(training)))

    assert "Online" in text
    assert "meet.example" not in text


# --- Materials ---------------------------------------------------------------------------


def add_material(training, title="Prezentacja"):
    material = TrainingMaterial(training=training, title=title)
    material.file.save("prezentacja.pdf", ContentFile(MINIMAL_PDF), save=True)
    return material


def material_url(material):
    return reverse(
        "consultations:training_material",
        args=[material.training.slug, material.pk, material.download_name],
    )


def test_materials_are_there_only_once_the_training_has_begun(client):
    ahead = WorkshopFactory()
    before = add_material(ahead)
    over = WorkshopFactory(sessions=PAST, registration_deadline=local(2020, 5, 1))
    after = add_material(over, "Slajdy z warsztatów")

    assert "Prezentacja" not in text_of(client.get(detail_url(ahead)))
    assert client.get(material_url(before)).status_code == 404

    assert "Slajdy z warsztatów" in text_of(client.get(detail_url(over)))
    response = client.get(material_url(after))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == MINIMAL_PDF
    assert "attachment" in response["Content-Disposition"]
    wrong_name = reverse(
        "consultations:training_material", args=[over.slug, after.pk, "inna-nazwa.pdf"]
    )
    assert client.get(wrong_name)["Location"] == material_url(after)
    # Another training's material is not found under this one.
    assert (
        client.get(
            reverse(
                "consultations:training_material", args=[over.slug, before.pk, before.download_name]
            )
        ).status_code
        == 404
    )


# --- The list ------------------------------------------------------------------------------------


def test_the_list_shows_upcoming_trainings_with_seats_and_past_ones_with_materials(client):
    open_one = WorkshopFactory(title_en="Fundraising basics", capacity=3)
    Registration.objects.create(
        training=open_one, name="A", email="a@example.org", status="registered"
    )
    full = WorkshopFactory(title_en="Volunteering law", capacity=1)
    Registration.objects.create(training=full, name="B", email="b@example.org", status="registered")
    WorkshopFactory(title_en="Online promotion", is_online=True, place="")
    WorkshopFactory(title_en="Secret draft", status=Training.Status.DRAFT)
    WorkshopFactory(title_en="Called off", status=Training.Status.CANCELLED)
    old = WorkshopFactory(
        title_en="Statutes 2020", sessions=PAST, registration_deadline=local(2020, 5, 1)
    )
    add_material(old, "Wzór statutu")

    response = client.get(reverse("consultations:training_list"))
    text = text_of(response)

    html = response.content.decode()
    upcoming = text_of_html(html.split('id="past-heading"')[0])
    past = text_of_html(html.split('id="past-heading"')[1])
    assert "Fundraising basics" in upcoming and "2 seats left" in upcoming
    assert "Volunteering law" in upcoming and "Full: waiting list" in upcoming
    assert "Online promotion" in upcoming
    assert "Register by 11 March 2030, 12:00" in upcoming
    assert "Called off" in upcoming and "Cancelled" in upcoming
    assert "Secret draft" not in text
    assert "Statutes 2020" in past and "Wzór statutu" in past
    assert "Statutes 2020" not in upcoming
    assert reverse("consultations:training_feed") in response.content.decode()


def test_the_list_page_runs_a_constant_number_of_queries(
    client, ngo_member, django_assert_max_num_queries
):
    room = TrainingRoomFactory()
    registrations = []
    for n in range(40):
        day = 1 + n % 28
        training = WorkshopFactory(
            capacity=5,
            sessions=[
                (local(2030, 4, day, 10), local(2030, 4, day, 12), room),
                (local(2030, 5, day, 10), local(2030, 5, day, 12)),
            ],
        )
        registrations += [
            Registration(
                training=training, name=f"P{k}", email=f"p{n}-{k}@example.org", status=status
            )
            for k, status in enumerate(["registered"] * 5 + ["waiting"] * 2)
        ]
        past = WorkshopFactory(sessions=[(local(2020, 4, day, 10), local(2020, 4, day, 12), room)])
        if n < 25:
            add_material(past, f"Materiał {n}")
    Registration.objects.bulk_create(registrations)

    url = reverse("consultations:training_list")
    with django_assert_max_num_queries(10):
        response = client.get(url)
    assert response.status_code == 200
    assert text_of(response).count("Full: waiting list") == 40
    with django_assert_max_num_queries(10):
        assert client.get(url, {"page": 2}).status_code == 200
    with django_assert_max_num_queries(10):
        assert client.get(detail_url(training)).status_code == 200
    client.force_login(ngo_member)
    with django_assert_max_num_queries(14):
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(detail_url(training)).status_code == 200


def test_the_pages_work_in_polish_and_english(client, settings):
    settings.LANGUAGE_CODE = "pl"
    training = WorkshopFactory()
    for path in ["/szkolenia/", f"/szkolenia/{training.slug}/"]:
        polish = client.get(path)
        english = client.get("/en" + path)
        assert polish.status_code == english.status_code == 200
        assert '<html lang="pl">' in polish.content.decode()
        assert '<html lang="en">' in english.content.decode()


# --- Calendar feeds -----------------------------------------------------------------------------


def test_the_public_feed_lists_the_sessions_without_personal_data(client):
    training = WorkshopFactory(
        is_online=True, place="", online_details="https://meet.example/tajne"
    )
    Registration.objects.create(
        training=training, name="Anna Tajna", email="anna@example.org", status="registered"
    )
    cancelled = WorkshopFactory(title_en="Called off", status=Training.Status.CANCELLED)
    WorkshopFactory(title_en="Secret draft", status=Training.Status.DRAFT)
    WorkshopFactory(title_en="Long ago", sessions=PAST)

    response = client.get(reverse("consultations:training_feed"))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    calendar = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in calendar.walk("VEVENT")}
    assert set(events) == {training.title_en, "Called off"}
    assert str(events["Called off"]["status"]) == "CANCELLED"
    assert str(events[training.title_en]["status"]) == "CONFIRMED"
    for secret in [b"Anna", b"anna@example.org", b"meet.example"]:
        assert secret not in response.content
    assert cancelled.slug.encode() in response.content

    one = client.get(reverse("consultations:training_ics", args=[training.slug]))
    assert one.status_code == 200
    assert len(Calendar.from_ical(one.content).walk("VEVENT")) == 1
    assert b"meet.example" not in one.content


# --- Home page ---------------------------------------------------------------------------


def render_home_snippet():
    request = RequestFactory().get("/")
    template = Template(
        "{% load trainings %}{% upcoming_trainings 3 as upcoming %}"
        '{% include "consultations/_upcoming_trainings.html" with trainings=upcoming %}'
    )
    return template.render(Context({"request": request}))


def test_the_home_page_snippet_shows_the_next_three_trainings(django_assert_max_num_queries):
    assert render_home_snippet().strip() == ""  # nothing planned: nothing shown
    for day in [20, 13, 27, 6]:
        WorkshopFactory(
            title_en=f"Training on {day} March",
            sessions=[(local(2030, 3, day, 10), local(2030, 3, day, 12))],
        )
    WorkshopFactory(
        title_en="Secret draft",
        status=Training.Status.DRAFT,
        sessions=[(local(2030, 3, 1, 10), local(2030, 3, 1, 12))],
    )
    WorkshopFactory(
        title_en="Called off",
        status=Training.Status.CANCELLED,
        sessions=[(local(2030, 3, 2, 10), local(2030, 3, 2, 12))],
    )
    WorkshopFactory(title_en="Long ago", sessions=PAST)

    with django_assert_max_num_queries(2):
        html = render_home_snippet()

    titles = re.findall(r"Training on \d+ March", html)
    assert titles == ["Training on 6 March", "Training on 13 March", "Training on 20 March"]
    assert "Upcoming trainings" in html
    assert reverse("consultations:training_list") in html
