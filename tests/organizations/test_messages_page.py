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
    from organizations.services import organizations as services

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


@pytest.mark.django_db
def test_messages_past_the_retention_period_are_hidden_before_the_purge_deletes_them(
    client, world, settings
):
    """The cron job may run late (or not yet): the page and the admin already hide
    what it will delete, on the same boundary."""
    import io

    from django.core.management import call_command
    from django.utils import timezone

    from organizations.models import ContactMessage

    settings.CONTACT_MESSAGE_RETENTION_DAYS = 30
    now = timezone.now()
    for name, age in [("Dawna Nadawczyni", 31), ("Niedawna Nadawczyni", 29)]:
        message = ContactMessage.objects.create(
            organization=world.organization,
            sender_name=name,
            sender_email="x@example.org",
            body="Treść",
        )
        ContactMessage.objects.filter(pk=message.pk).update(
            created_at=now - timezone.timedelta(days=age)
        )
    client.force_login(world.personas["ngo_member"])
    page = client.get(f"/konto/organizacje/{world.organization.slug}/wiadomosci/")
    html = page.content.decode()
    assert "Niedawna Nadawczyni" in html
    assert "Dawna Nadawczyni" not in html

    client.force_login(world.personas["staff"])
    admin_list = client.get("/admin/organizations/contactmessage/").content.decode()
    assert "Niedawna Nadawczyni" in admin_list
    assert "Dawna Nadawczyni" not in admin_list

    call_command("purge_contact_messages", stdout=io.StringIO())
    assert not ContactMessage.objects.filter(sender_name="Dawna Nadawczyni").exists()
    assert ContactMessage.objects.filter(sender_name="Niedawna Nadawczyni").exists()
