"""The base's part of the `world` fixture (tests/conftest.py): a document and a
newcomer's e-mail confirmation key."""

from allauth.account.models import EmailAddress, EmailConfirmationHMAC

from cwop_portal.history import change_record
from cwop_portal.models import AccessibilityStatement, CustomPage, Page, SiteSettings
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
    # A page staff added, published and linked from the footer.
    w.custom_page = CustomPage.objects.create(
        title_pl="Nasze projekty",
        title_en="Our projects",
        slug="nasze-projekty",
        lead_pl="Projekty Centrum.",
        body_pl="## Projekty\n\nCentrum prowadzi **projekty**.",
        body_en="## Projects\n\nThe centre runs **projects**.",
        placement=CustomPage.Placement.FOOTER,
        is_published=True,
    )
    change_record(
        w.custom_page, user=staff, action="created", changes={"title_pl": [None, "Nasze projekty"]}
    )
    change_record(
        AccessibilityStatement.load(),
        user=staff,
        action="changed",
        changes={"prepared_on": ["2025-03-01", "2026-03-01"]},
    )
