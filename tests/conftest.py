import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from cwop_portal.roles import ADVISORS, CENTRE_STAFF
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _isolated(settings, tmp_path):
    """Each test gets an empty cache (rate limits) and its own media folder."""
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def resident(client):
    """An anonymous visitor: residents need no account."""
    return client


@pytest.fixture
def ngo_member(db):
    return UserFactory(email="member@ngo-a.example.org", first_name="Anna", last_name="Nowak")


@pytest.fixture
def other_ngo_member(db):
    return UserFactory(email="member@ngo-b.example.org", first_name="Piotr", last_name="Wiśniewski")


@pytest.fixture
def staff(db):
    user = UserFactory(email="staff@cwop.example.org", is_staff=True)
    user.groups.add(Group.objects.get(name=CENTRE_STAFF))
    return user


@pytest.fixture
def advisor(db):
    user = UserFactory(email="advisor@cwop.example.org")
    user.groups.add(Group.objects.get(name=ADVISORS))
    return user


class World:
    """One of everything, for the checks that visit every page."""


@pytest.fixture
def world(db, ngo_member, other_ngo_member, advisor, staff):
    from allauth.account.models import EmailAddress, EmailConfirmationHMAC

    from tests.factories import DocumentFactory

    w = World()
    w.personas = {
        "ngo_member": ngo_member,
        "other_ngo_member": other_ngo_member,
        "advisor": advisor,
        "staff": staff,
    }
    w.document = DocumentFactory(title_pl="Regulamin Centrum", title_en="Rules of the centre")
    newcomer = UserFactory(email="newcomer@example.org")
    address = EmailAddress.objects.get(user=newcomer)
    address.verified = False
    address.save()
    w.email_confirmation_key = EmailConfirmationHMAC(address).key

    from organizations import services as org_services

    def published(user, name, krs):
        organization = org_services.organization_create(
            user=user,
            data={"name": name, "legal_form": "association", "krs": krs},
            submit=True,
        )
        return org_services.organization_approve(organization=organization, user=staff)

    w.organization = published(ngo_member, "Stowarzyszenie Seniorów Bojary", "0000100001")
    w.other_organization = published(other_ngo_member, "Fundacja Zielone Wzgórza", "0000100002")
    w.membership = w.organization.memberships.get(user=ngo_member)
    from django.core.files.uploadedfile import SimpleUploadedFile

    from organizations import news_services
    from tests.factories import MINIMAL_PDF

    w.news_post = news_services.news_create(
        user=ngo_member,
        organization=w.organization,
        data={"title": "Dzień otwarty", "lead": "Zapraszamy do siedziby."},
    )
    w.published_post = news_services.news_create(
        user=staff,
        data={
            "title": "Nabór do konkursu grantowego",
            "lead": "Wnioski do końca miesiąca.",
            "category": "funding",
            "funding_deadline": timezone.localdate(),
        },
        attachments=[("Regulamin konkursu", SimpleUploadedFile("regulamin.pdf", MINIMAL_PDF))],
    )
    w.attachment = w.published_post.attachments.get()
    w.contact_message = org_services.contact_message_send(
        organization=w.organization,
        sender_name="Maria Mieszkanka",
        sender_email="maria@example.org",
        body="Czy przyjmujecie wolontariuszy?",
    )
    return w
