"""A news post keeps its history: written, changed (old → new), sent for approval,
rejected with the reason; shown in the admin in Polish words."""

from django.urls import reverse
from django.utils import translation

from organizations.models import NewsPost
from organizations.services import news as news_services
from tests.forms import history_cells
from tests.organizations.factories import MemberFactory, OrganizationFactory


def test_a_posts_history_from_the_draft_to_the_rejection(staff_client, staff):
    organization = OrganizationFactory()
    member = MemberFactory(organization=organization)
    post = news_services.news_create(
        user=member,
        organization=organization,
        data={"title": "Dzień otwarty", "lead": "Zapraszamy.", "category": "event"},
    )
    news_services.news_update(post=post, user=member, data={"title": "Dzień otwarty w sobotę"})
    news_services.news_submit(post=post, user=member)
    news_services.news_reject(post=post, user=staff, reason="Brak daty wydarzenia.")

    history = list(
        post.changes.order_by("created_at", "pk").values_list("user", "action", "changes", "note")
    )
    assert history == [
        (member.pk, "created", {"status": "draft"}, ""),
        (member.pk, "changed", {"title": ["Dzień otwarty", "Dzień otwarty w sobotę"]}, ""),
        (member.pk, "submitted", {"status": ["draft", "submitted"]}, ""),
        (staff.pk, "rejected", {"status": ["submitted", "rejected"]}, "Brak daty wydarzenia."),
    ]

    cells = history_cells(
        staff_client, reverse("admin:organizations_newspost_change", args=[post.pk])
    )
    assert "Tytuł: Dzień otwarty → Dzień otwarty w sobotę" in cells
    with translation.override("pl"):
        rejected = f"Status: {NewsPost.Status.SUBMITTED.label} → {NewsPost.Status.REJECTED.label}"
    assert rejected in cells
    assert "Brak daty wydarzenia." in cells
