"""The vote log in the admin: the list (addresses masked), voiding with a reason
(logged), the page of suspicious patterns; votes are not added, changed or deleted."""

import datetime

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from awards.models import Vote

CHANGELIST = "admin:awards_vote_changelist"


def burst(world, count, network="198.51.100.0/24"):
    start = timezone.now() - datetime.timedelta(hours=1)
    return [
        Vote.objects.create(
            category=world.jury_category,
            nomination=world.accepted_nomination,
            email=f"burst{network[:3]}-{i}@example.com",
            network=network,
            created_at=start + datetime.timedelta(minutes=i),
        )
        for i in range(count)
    ]


@pytest.mark.django_db
def test_staff_see_the_votes_with_masked_addresses_in_constant_queries(
    staff_client, world, django_assert_max_num_queries
):
    burst(world, 150)
    with django_assert_max_num_queries(15):
        response = staff_client.get(reverse(CHANGELIST) + f"?edition={world.jury_edition.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "gl…y@example.com" in page
    assert "glosujacy@example.com" not in page
    assert "192.0.2.0/24" in page
    response = staff_client.get(reverse(CHANGELIST) + "?state=counted")
    assert "gl…y@example.com" in response.content.decode()
    assert "ni…y@example.com" not in response.content.decode()


@pytest.mark.django_db
def test_a_vote_is_only_shown_never_added_changed_or_deleted(staff_client, world):
    url = reverse("admin:awards_vote_change", args=[world.vote.pk])
    page = staff_client.get(url).content.decode()
    assert "glosujacy@example.com" in page  # whole on its page
    assert 'name="_save"' not in page
    assert staff_client.post(url, {"void_reason": "x"}).status_code == 403
    assert staff_client.get(reverse("admin:awards_vote_add")).status_code == 403
    assert (
        staff_client.get(reverse("admin:awards_vote_delete", args=[world.vote.pk])).status_code
        == 403
    )
    assert Vote.objects.get(pk=world.vote.pk).void_reason == ""


@pytest.mark.django_db(transaction=True)
@pytest.mark.write_path(f"{CHANGELIST}:void_votes")
def test_staff_void_votes_with_a_reason_and_it_is_logged(staff_client, world):
    selected = {"action": "void_votes", "_selected_action": [world.vote.pk, world.pending_vote.pk]}
    page = staff_client.post(reverse(CHANGELIST), selected)
    assert page.status_code == 200
    assert 'name="reason"' in page.content.decode()
    refused = staff_client.post(reverse(CHANGELIST), {**selected, "confirm": "1", "reason": "  "})
    assert 'aria-invalid="true"' in refused.content.decode()
    assert Vote.objects.filter(voided_at__isnull=False).count() == 0
    response = staff_client.post(
        reverse(CHANGELIST), {**selected, "confirm": "1", "reason": "Seria głosów z jednej sieci."}
    )
    assert response.status_code == 302
    voided = Vote.objects.filter(voided_at__isnull=False)
    assert voided.count() == 2
    assert {v.void_reason for v in voided} == {"Seria głosów z jednej sieci."}
    assert {v.voided_by for v in voided} == {world.personas["staff"]}
    assert LogEntry.objects.filter(content_type__model="vote").count() == 2
    assert Vote.objects.counted().count() == 0


@pytest.mark.django_db
def test_the_suspicious_page_lists_groups_and_leads_to_voiding(
    staff_client, world, django_assert_max_num_queries
):
    votes = burst(world, 7)
    burst(world, 3, network="203.0.113.0/24")
    url = reverse("admin:awards_vote_suspicious")
    with django_assert_max_num_queries(12):
        response = staff_client.get(url + f"?edition={world.jury_edition.pk}")
    page = response.content.decode()
    assert response.status_code == 200
    assert "198.51.100.0/24" in page
    assert "203.0.113.0/24" not in page
    assert page.count('name="_selected_action"') == 7
    listed = staff_client.get(
        reverse(CHANGELIST)
        + "?network=198.51.100.0/24"
        + "&created_at__gte="
        + votes[0].created_at.isoformat().replace("+", "%2B")
    )
    assert listed.status_code == 200
    assert listed.content.decode().count('class="field-email_masked"') == 7
    assert "gl…y@example.com" not in listed.content.decode()
    # Hostile parameters fall back to the defaults.
    for query in ["?edition=x&okno=-1&prog=99999999999999999999", "?edition=99999999999999999999"]:
        assert staff_client.get(url + query).status_code == 200
    assert staff_client.post(url).status_code == 405


@pytest.mark.django_db
def test_people_without_the_permission_cannot_reach_the_vote_log(client, world):
    url = reverse("admin:awards_vote_suspicious")
    client.force_login(world.juror_user)  # a juror is not staff
    assert client.get(url).status_code == 302
    assert client.get(reverse(CHANGELIST)).status_code == 302
