"""Who may open what: every URL × every persona → the expected status."""

import pytest
from django.urls import reverse
from django.utils import translation

from tests.catalogue import CATALOGUE, PERSONAS

CASES = [(e, persona) for e in CATALOGUE for persona in PERSONAS]


@pytest.mark.django_db
@pytest.mark.parametrize(("entry", "persona"), CASES, ids=[f"{e.name}-{p}" for e, p in CASES])
def test_each_persona_gets_the_expected_status(client, world, entry, persona):
    if persona != "anonymous":
        client.force_login(world.personas[persona])
    kwargs = entry.kwargs(world) if entry.kwargs else {}
    with translation.override("pl"):
        url = reverse(entry.name, kwargs=kwargs)
    response = client.get(url)
    assert response.status_code == entry.statuses[persona]
    if response.status_code == 302 and persona == "anonymous" and entry.kind != "endpoint":
        assert response["Location"].split("?")[0] == entry.anonymous_redirect
