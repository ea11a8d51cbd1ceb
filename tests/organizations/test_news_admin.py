"""Staff publish the centre's news and moderate the organisations' posts in the admin."""

import pytest
from django.utils import timezone

from organizations.models import NewsPost
from organizations.services import news as news_services


def submitted_post(world, title="Zbiórka żywności"):
    return news_services.news_create(
        user=world.personas["ngo_member"],
        organization=world.organization,
        data={"title": title, "lead": "Zapraszamy.", "category": "event"},
        submit=True,
    )


@pytest.mark.django_db
def test_admin_index_counts_news_waiting_for_approval(client, staff, world):
    submitted_post(world)
    client.force_login(staff)
    html = client.get("/admin/", HTTP_ACCEPT_LANGUAGE="pl").content.decode()
    assert "Aktualności czekające na zatwierdzenie: <strong>1</strong>" in html


@pytest.mark.django_db
def test_staff_publish_a_submitted_post_and_the_organisation_is_told(
    client, staff, world, mailoutbox, django_capture_on_commit_callbacks
):
    post = submitted_post(world)
    client.force_login(staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/admin/organizations/newspost/",
            {"action": "approve", "_selected_action": [post.pk]},
        )
    post.refresh_from_db()
    assert post.status == NewsPost.Status.PUBLISHED
    assert NewsPost.objects.published().filter(pk=post.pk).exists()
    assert mailoutbox[-1].to == [world.personas["ngo_member"].email]


@pytest.mark.django_db
def test_staff_reject_a_post_with_a_reason(
    client, staff, world, mailoutbox, django_capture_on_commit_callbacks
):
    post = submitted_post(world)
    client.force_login(staff)
    url = "/admin/organizations/newspost/"
    asked = client.post(url, {"action": "reject", "_selected_action": [post.pk]})
    assert 'name="reason"' in asked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url,
            {
                "action": "reject",
                "_selected_action": [post.pk],
                "confirm": "1",
                "reason": "Brak daty wydarzenia.",
            },
        )
    post.refresh_from_db()
    assert post.status == NewsPost.Status.REJECTED
    assert "Brak daty wydarzenia." in mailoutbox[-1].body


@pytest.mark.django_db
def test_staff_news_written_in_the_admin_is_published_at_once(client, staff):
    client.force_login(staff)
    form = client.get("/admin/organizations/newspost/add/")
    assert form.status_code == 200
    # No status to choose: the centre's post is published by news_create.
    assert "status" not in form.context["adminform"].form.fields
    response = client.post(
        "/admin/organizations/newspost/add/",
        {
            "title": "Nowe godziny otwarcia Centrum",
            "slug": "nowe-godziny-otwarcia",
            "category": "centre",
            "lead": "Od grudnia pracujemy dłużej.",
            "body": "",
            "lead_image_alt": "",
            "published_at_0": timezone.localtime().strftime("%Y-%m-%d"),
            "published_at_1": "00:00:00",
            "attachments-TOTAL_FORMS": "0",
            "attachments-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].form.errors
    post = NewsPost.objects.get(slug="nowe-godziny-otwarcia")
    assert post.author == staff
    assert post.organization is None
    assert NewsPost.objects.published().filter(pk=post.pk).exists()
