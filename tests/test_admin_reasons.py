"""The admin's "… with a reason" actions: the reason is e-mailed as typed, so what
cannot be stored or sent (nothing, a NUL byte, an endless text) is a message on the
confirmation page and nothing changes; never a server error (PostgreSQL refuses NUL)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ACTIONS = [
    ("organizations_organization", "reject", lambda w: w.organization),
    ("organizations_newspost", "reject", lambda w: w.news_post),
    ("rooms_booking", "reject", lambda w: w.booking),
    ("rooms_booking", "cancel", lambda w: w.booking),
    ("consultations_appointment", "cancel", lambda w: w.appointment),
    ("consultations_training", "cancel", lambda w: w.training),
]


@pytest.mark.parametrize("reason", ["", "   ", "Sala zalana\x00", "x" * 1001])
@pytest.mark.parametrize(("changelist", "action", "row"), ACTIONS)
def test_a_reason_that_cannot_be_sent_is_a_message_and_changes_nothing(
    client, world, changelist, action, row, reason
):
    obj = row(world)
    before = obj.status
    client.force_login(world.personas["staff"])
    response = client.post(
        reverse(f"admin:{changelist}_changelist"),
        {"action": action, "_selected_action": [obj.pk], "confirm": "1", "reason": reason},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="reason-error"' in page
    assert 'aria-invalid="true"' in page
    obj.refresh_from_db()
    assert obj.status == before
