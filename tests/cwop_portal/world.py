"""The base's part of the `world` fixture (tests/conftest.py): a document and a
newcomer's e-mail confirmation key."""

from allauth.account.models import EmailAddress, EmailConfirmationHMAC

from cwop_portal.history import change_record
from cwop_portal.models import AccessibilityStatement, Page, SiteSettings
from tests.factories import DocumentFactory, UserFactory


def build(w):
    w.document = DocumentFactory(title_pl="Regulamin Centrum", title_en="Rules of the centre")
    newcomer = UserFactory(email="newcomer@example.org")
    address = EmailAddress.objects.get(user=newcomer)
    address.verified = False
    address.save()
    w.email_confirmation_key = EmailConfirmationHMAC(address).key
    change_record(
        SiteSettings.load(),
        user=w.personas["staff"],
        action="changed",
        changes={"city": ["Suwałki", "Białystok"]},
        note="Nowe dane kontaktowe",
    )
    staff = w.personas["staff"]
    change_record(
        w.document, user=staff, action="created", changes={"title_pl": [None, "Regulamin Centrum"]}
    )
    change_record(
        Page.objects.get(key="about"),
        user=staff,
        action="changed",
        changes={"lead_pl": ["Stary wstęp", "Nowy wstęp"]},
    )
    change_record(
        AccessibilityStatement.load(),
        user=staff,
        action="changed",
        changes={"prepared_on": ["2025-03-01", "2026-03-01"]},
    )
