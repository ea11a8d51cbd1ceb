"""The public pages of public consultations: the list, the act with its provisions,
the remark form, the member's remarks, the calendars, the feed and the e-mail
settings."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperation.models import AlertOptOut, Provision, PublicConsultation, Remark
from organizations.models import FieldOfActivity
from tests.factories import UserFactory

LIST = "/en/konsultacje-spoleczne/"


def detail_url(consultation):
    return f"/en/konsultacje-spoleczne/{consultation.slug}/"


def make_consultation(slug, *, start, end, status=PublicConsultation.Status.OPEN, **extra):
    return PublicConsultation.objects.create(
        title_pl=f"Projekt {slug}",
        slug=slug,
        office="Departament Spraw Społecznych",
        start=start,
        end=end,
        status=status,
        report_published_at=end if status == PublicConsultation.Status.REPORT_PUBLISHED else None,
        **extra,
    )


@pytest.mark.django_db
def test_the_list_shows_open_first_then_upcoming_then_closed_and_no_drafts(client, world):
    now = timezone.now()
    day = datetime.timedelta(days=1)
    make_consultation("zamknieta", start=now - 20 * day, end=now - 10 * day)
    make_consultation("przyszla", start=now + 5 * day, end=now + 20 * day)
    make_consultation("szkic", start=now - day, end=now + day, status="draft")
    page = client.get(LIST).content.decode()
    order = [
        page.index(slug)
        for slug in ("program-wspolpracy", "przyszla", "zamknieta", "inicjatywa-lokalna")
    ]
    assert order == sorted(order)
    assert "szkic" not in page


@pytest.mark.django_db
def test_the_list_filters_by_state_year_and_field(client, world):
    page = client.get(LIST, {"stan": "reported"}).content.decode()
    assert "inicjatywa-lokalna" in page and "program-wspolpracy" not in page
    page = client.get(LIST, {"stan": "open"}).content.decode()
    assert "program-wspolpracy" in page and "inicjatywa-lokalna" not in page
    field = FieldOfActivity.objects.order_by("pk").first()
    world.public_consultation.fields_of_activity.add(field)
    page = client.get(LIST, {"dziedzina": field.slug}).content.decode()
    assert "program-wspolpracy" in page and "inicjatywa-lokalna" not in page
    other = FieldOfActivity.objects.create(name_pl="Inna dziedzina", slug="inna-dziedzina")
    page = client.get(LIST, {"dziedzina": other.slug}).content.decode()
    assert "program-wspolpracy" not in page
    year = world.public_consultation.start.year
    page = client.get(LIST, {"rok": str(year)}).content.decode()
    assert "program-wspolpracy" in page
    page = client.get(LIST, {"rok": "1999"}).content.decode()
    assert "program-wspolpracy" in page  # a year not offered is ignored


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"rok": "99999999999999999999"},
        {"rok": "\x00"},
        {"stan": "../../etc/passwd"},
        {"dziedzina": "<script>"},
        {"page": "-1"},
        {"page": "NaN"},
        {"q": "a" * 3000},
    ],
)
def test_hostile_parameters_on_the_list_never_fail(client, world, params):
    assert client.get(LIST, params).status_code == 200


@pytest.mark.django_db
def test_a_draft_is_not_found_for_anybody(client, world):
    world.public_consultation.status = "draft"
    world.public_consultation.save()
    assert client.get(detail_url(world.public_consultation)).status_code == 404
    client.force_login(world.personas["staff"])
    assert client.get(detail_url(world.public_consultation)).status_code == 404


@pytest.mark.django_db
def test_an_open_consultation_shows_the_act_the_form_and_the_members_remarks(client, world):
    client.force_login(world.personas["ngo_member"])
    page = client.get(detail_url(world.public_consultation)).content.decode()
    assert "Program określa cele i zasady współpracy." in page
    assert f"?przepis={world.provision.pk}#remark-form" in page
    assert 'name="justification"' in page
    assert (
        reverse("cooperation:remark_update", args=["program-wspolpracy", world.remark.pk])[3:]
        in page
    )
    assert "spotkania/" in page and ".ics" in page
    assert "projekt/" in page  # the draft act's file
    # A remark is not shown to others before the deadline.
    client.logout()
    page = client.get(detail_url(world.public_consultation)).content.decode()
    assert "Brakuje form współpracy." not in page
    assert 'name="justification"' not in page
    assert "/konto/login/" in page


@pytest.mark.django_db
def test_the_comment_link_preselects_the_provision(client, world):
    client.force_login(world.personas["ngo_member"])
    page = client.get(
        detail_url(world.public_consultation), {"przepis": world.provision_b.pk}
    ).content.decode()
    assert f'<option value="{world.provision_b.pk}" selected>' in page
    # A provision of another consultation is not preselected (nor an error).
    other = Provision.objects.exclude(consultation=world.public_consultation).first()
    response = client.get(detail_url(world.public_consultation), {"przepis": other.pk})
    assert response.status_code == 200
    select = response.content.decode().split('name="provision"')[1].split("</select>")[0]
    assert '<option value="" selected>' in select


@pytest.mark.django_db
def test_after_the_deadline_each_provision_shows_its_remarks_residents_unnamed(client, world):
    consultation = world.public_consultation
    Remark.objects.create(
        consultation=consultation,
        provision=world.provision_b,
        author=world.personas["other_ngo_member"],
        author_name="Piotr Mieszkaniec",
        author_email="piotr@example.org",
        justification="Uwaga mieszkańca.",
    )
    withdrawn = Remark.objects.create(
        consultation=consultation,
        organization=world.organization,
        organization_name=world.organization.name,
        author_name="x",
        author_email="x@example.org",
        justification="Wycofana uwaga.",
        status=Remark.Status.WITHDRAWN,
    )
    consultation.end = timezone.now() - datetime.timedelta(minutes=1)
    consultation.start = consultation.end - datetime.timedelta(days=10)
    consultation.save()
    page = client.get(detail_url(consultation)).content.decode()
    assert "Brakuje form współpracy." in page
    assert world.organization.name in page
    assert "Uwaga mieszkańca." in page
    assert "Piotr Mieszkaniec" not in page
    assert "a resident" in page
    assert withdrawn.justification not in page
    assert 'name="justification"' not in page


@pytest.mark.django_db
def test_a_reported_consultation_links_its_report(client, world):
    page = client.get(detail_url(world.reported_consultation)).content.decode()
    assert (
        reverse("cooperation:public_consultation_report", args=["inicjatywa-lokalna"])[3:] in page
    )
    assert "Uzasadnienie uwagi." in page


@pytest.mark.django_db
def test_a_signed_in_person_without_an_organisation_is_told_how_to_join(client, world):
    client.force_login(UserFactory())
    page = client.get(detail_url(world.public_consultation)).content.decode()
    assert 'name="justification"' not in page
    assert "/en/organizacje/" in page


@pytest.mark.django_db
def test_a_resident_gets_the_form_where_residents_may_remark(client, world):
    world.public_consultation.residents_may_remark = True
    world.public_consultation.save()
    client.force_login(UserFactory())
    page = client.get(detail_url(world.public_consultation)).content.decode()
    assert 'value="resident"' in page


@pytest.mark.django_db
def test_the_meeting_and_the_public_calendars(client, world):
    meeting = world.consultation_meeting
    response = client.get(
        reverse(
            "cooperation:consultation_meeting_ics",
            args=[world.public_consultation.slug, meeting.pk],
        )
    )
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VEVENT" in body and world.resource.name in body
    response = client.get(
        reverse("cooperation:consultation_meeting_ics", args=["inicjatywa-lokalna", meeting.pk])
    )
    assert response.status_code == 404
    body = client.get(reverse("cooperation:public_consultation_calendar")).content.decode()
    assert body.count("BEGIN:VEVENT") == 3  # two deadlines, one meeting
    assert "DTSTART;VALUE=DATE:" in body


@pytest.mark.django_db
def test_the_feed_lists_public_consultations(client, world):
    make_consultation(
        "szkic",
        start=timezone.now(),
        end=timezone.now() + datetime.timedelta(days=3),
        status="draft",
    )
    body = client.get(reverse("cooperation:public_consultation_feed")).content.decode()
    assert "program-wspolpracy" in body and "inicjatywa-lokalna" in body
    assert "szkic" not in body


@pytest.mark.django_db
def test_the_draft_act_is_downloaded(client, world):
    consultation = world.public_consultation
    response = client.get(
        reverse(
            "cooperation:public_consultation_file",
            args=[consultation.slug, consultation.download_name],
        )
    )
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"Projekt uchwaly"


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path("cooperation:consultation_alerts")
def test_a_member_turns_the_emails_off_and_on(client, world, portal_content):
    member = world.personas["ngo_member"]
    client.force_login(member)
    url = reverse("cooperation:consultation_alerts")
    page = client.get(url).content.decode()
    assert f'name="org_{world.organization.pk}"' in page and "checked" in page
    assert client.post(url, {}).status_code == 302
    assert AlertOptOut.objects.filter(user=member, organization=world.organization).exists()
    client.post(url, {f"org_{world.organization.pk}": "on"})
    assert not AlertOptOut.objects.filter(user=member, organization=world.organization).exists()


# --- Query budgets ----------------------------------------------------------------------


@pytest.fixture
def many(world):
    """200 consultations of 100 provisions each and 2,000 remarks (1,000 of them on one
    closed consultation, 1,000 on the world's open one)."""
    now = timezone.now()
    day = datetime.timedelta(days=1)
    fields = list(FieldOfActivity.objects.all()[:3])
    consultations = PublicConsultation.objects.bulk_create(
        PublicConsultation(
            title_pl=f"Projekt uchwały nr {n}",
            slug=f"projekt-{n}",
            office="Departament Spraw Społecznych",
            start=now - 10 * day - (n % 40) * day,
            end=now + (n % 3 - 1) * 5 * day,
            status=PublicConsultation.Status.OPEN,
        )
        for n in range(199)
    )
    through = PublicConsultation.fields_of_activity.through
    through.objects.bulk_create(
        through(publicconsultation_id=c.pk, fieldofactivity_id=f.pk)
        for c in consultations
        for f in fields
    )
    closed = PublicConsultation.objects.filter(end__lt=now, slug__startswith="projekt-").first()
    Provision.objects.bulk_create(
        Provision(consultation=c, position=p, label=f"§ {p}", text=f"Treść § {p}.")
        for c in [*consultations, world.public_consultation]
        for p in range(3, 103)
    )

    def remarks(consultation, user, organization):
        provisions = list(consultation.provisions.all())
        return [
            Remark(
                consultation=consultation,
                provision=provisions[n % len(provisions)] if n % 10 else None,
                organization=organization,
                organization_name=organization.name if organization else "",
                author=user,
                author_name="Anna Nowak",
                author_email="member@ngo-a.example.org",
                proposed_wording=f"Brzmienie {n}.",
                justification=f"Uzasadnienie {n}.",
            )
            for n in range(1000)
        ]

    member = world.personas["ngo_member"]
    Remark.objects.bulk_create(
        [
            *remarks(closed, None, None),
            *remarks(world.public_consultation, member, world.organization),
        ]
    )
    return closed


@pytest.mark.django_db
@pytest.mark.parametrize("persona", ["anonymous", "ngo_member"])
def test_the_pages_use_few_queries_with_many_rows(
    client, world, many, persona, django_assert_max_num_queries
):
    if persona != "anonymous":
        client.force_login(world.personas[persona])
    for url in (
        LIST,
        LIST + "?page=5",
        LIST + "?stan=closed&dziedzina=" + FieldOfActivity.objects.first().slug,
        detail_url(world.public_consultation),
        detail_url(many),
        detail_url(world.reported_consultation),
    ):
        with django_assert_max_num_queries(10):
            response = client.get(url)
        assert response.status_code == 200, url
    page = client.get(detail_url(many)).content.decode()
    assert page.count("Uzasadnienie ") == 1000
