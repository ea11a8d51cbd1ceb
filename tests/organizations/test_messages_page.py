import pytest


@pytest.mark.django_db
def test_administrators_read_the_messages_residents_sent(client, world):
    client.force_login(world.personas["ngo_member"])
    response = client.get(f"/konto/organizacje/{world.organization.slug}/wiadomosci/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Maria Mieszkanka" in html
    assert "Czy przyjmujecie wolontariuszy?" in html


@pytest.mark.django_db
def test_messages_of_another_organisation_are_hidden(client, world):
    client.force_login(world.personas["other_ngo_member"])
    response = client.get(f"/konto/organizacje/{world.organization.slug}/wiadomosci/")
    assert response.status_code == 404


@pytest.mark.django_db
def test_the_messages_page_has_a_constant_number_of_queries(
    client, world, django_assert_max_num_queries
):
    from organizations import services

    for n in range(30):
        services.contact_message_send(
            organization=world.organization,
            sender_name=f"Osoba {n}",
            sender_email=f"o{n}@example.org",
            body="Pytanie",
        )
    client.force_login(world.personas["ngo_member"])
    with django_assert_max_num_queries(8):
        response = client.get(f"/konto/organizacje/{world.organization.slug}/wiadomosci/")
    assert response.content.decode().count("<article") == 31
