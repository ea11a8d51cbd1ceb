import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache

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
    return w
