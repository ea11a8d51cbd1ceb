"""The directory's part of the `world` fixture (tests/conftest.py): two published
organisations (the NGO member's and the other member's), a member's news post, the
centre's funding call with an attachment, and a resident's message to the first."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from organizations.services import news as news_services
from organizations.services import organizations as org_services
from tests.factories import MINIMAL_PDF


def build(w):
    ngo_member, staff = w.personas["ngo_member"], w.personas["staff"]

    def published(user, name, krs):
        organization = org_services.organization_create(
            user=user,
            data={"name": name, "legal_form": "association", "krs": krs},
            submit=True,
        )
        return org_services.organization_approve(organization=organization, user=staff)

    w.organization = published(ngo_member, "Stowarzyszenie Seniorów Bojary", "0000100001")
    w.other_organization = published(
        w.personas["other_ngo_member"], "Fundacja Zielone Wzgórza", "0000100002"
    )
    w.membership = w.organization.memberships.get(user=ngo_member)
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
