"""organizations.services.news and the database constraints of the news.

Every entry point (the members' pages, the admin, commands) writes through these
services; the constraints hold even for a write that bypasses them.
"""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from PIL import Image

from organizations.models import Membership, NewsAttachment, NewsPost
from organizations.services import news as news_services
from tests.factories import MINIMAL_PDF, UserFactory, png_file
from tests.organizations.factories import (
    MembershipFactory,
    NewsPostFactory,
    OrganizationFactory,
    news_attachment,
)

pytestmark = pytest.mark.django_db


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def png_upload(name="plakat.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (80, 60), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="regulamin.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF * 40, content_type="application/pdf")


def exe_upload(name="regulamin.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 400, content_type="application/pdf")


def data(**overrides):
    return {"title": "Dzień otwarty", "lead": "Zapraszamy do siedziby.", **overrides}


@pytest.fixture
def organization(ngo_member):
    organization = OrganizationFactory(name="Stowarzyszenie Alfa")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


@pytest.fixture
def editor(organization):
    return MembershipFactory(
        organization=organization,
        role=Membership.Role.EDITOR,
        user=UserFactory(email="redaktor@ngo-a.example.org"),
    ).user


@pytest.fixture
def submitted(organization, ngo_member):
    return NewsPostFactory(
        organization=organization,
        author=ngo_member,
        title="Koncert charytatywny",
        status=NewsPost.Status.SUBMITTED,
        published_at=None,
        submitted_at=timezone.now(),
    )


# The database constraints, when the services are bypassed --------------------------------


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        ({"category": "funding"}, "news_funding_call_has_deadline"),
        ({"lead_image": "news/images/2026/plakat.png"}, "news_image_has_alt_text"),
        ({"status": "published", "published_at": None}, "news_published_has_date"),
        ({"status": "rejected"}, "news_rejection_has_reason"),
        ({"title": ""}, "news_title_not_empty"),
    ],
)
def test_the_database_refuses_a_post_that_breaks_a_rule(fields, constraint):
    values = {"title": "Wpis", "slug": "wpis", "lead": "Zapowiedź.", **fields}
    with pytest.raises(IntegrityError, match=constraint), transaction.atomic():
        NewsPost.objects.create(**values)
    assert not NewsPost.objects.exists()


def test_the_database_refuses_a_post_hidden_before_it_is_published():
    now = timezone.now()
    early = now - datetime.timedelta(minutes=1)
    with (
        pytest.raises(IntegrityError, match="news_expires_after_publication"),
        transaction.atomic(),
    ):
        NewsPost.objects.create(
            title="Wpis", slug="wpis", lead="Zapowiedź.", published_at=now, expires_at=early
        )


def test_the_database_accepts_a_funding_call_with_its_deadline_and_an_image_with_alt_text():
    NewsPost.objects.create(
        title="Nabór",
        slug="nabor",
        lead="Konkurs grantowy.",
        category="funding",
        funding_deadline=datetime.date(2030, 5, 31),
        lead_image="news/images/2030/plakat.png",
        lead_image_alt="Plakat konkursu",
    )
    assert NewsPost.objects.count() == 1


# Creating ----------------------------------------------------------------------------------


def test_a_member_writes_a_draft_that_tells_nobody(
    ngo_member, organization, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = news_services.news_create(user=ngo_member, organization=organization, data=data())
    assert (post.status, post.author, post.organization) == ("draft", ngo_member, organization)
    assert post.slug == "dzien-otwarty"
    assert mailoutbox == []


def test_a_member_sends_a_post_for_approval_and_the_staff_are_told(
    editor, organization, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = news_services.news_create(
            user=editor, organization=organization, data=data(), submit=True
        )
    assert post.status == NewsPost.Status.SUBMITTED
    assert post.submitted_at is not None
    assert post.published_at is None
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert f"/admin/organizations/newspost/{post.pk}/change/" in mailoutbox[0].body


def test_a_staff_post_of_the_centre_is_published_at_once(staff, mailoutbox):
    post = news_services.news_create(user=staff, data=data(category="centre"), submit=False)
    assert post.status == NewsPost.Status.PUBLISHED
    assert post.published_at is not None
    assert post.organization is None
    assert NewsPost.objects.published().filter(pk=post.pk).exists()


def test_only_staff_write_the_centres_posts(ngo_member):
    with pytest.raises(PermissionDenied):
        news_services.news_create(user=ngo_member, data=data())
    assert not NewsPost.objects.exists()


def test_a_member_cannot_write_for_another_organisation(other_ngo_member, organization):
    with pytest.raises(PermissionDenied):
        news_services.news_create(user=other_ngo_member, organization=organization, data=data())
    assert not NewsPost.objects.exists()


def test_a_person_waiting_to_join_cannot_write_for_the_organisation(organization):
    waiting = MembershipFactory(organization=organization, status=Membership.Status.PENDING)
    with pytest.raises(PermissionDenied):
        news_services.news_create(user=waiting.user, organization=organization, data=data())


def test_titles_give_unique_slugs_and_never_the_feeds_address(ngo_member, organization):
    first = news_services.news_create(user=ngo_member, organization=organization, data=data())
    second = news_services.news_create(user=ngo_member, organization=organization, data=data())
    feed = news_services.news_create(
        user=ngo_member, organization=organization, data=data(title="RSS")
    )
    assert (first.slug, second.slug) == ("dzien-otwarty", "dzien-otwarty-2")
    assert feed.slug != "rss"


def test_a_funding_call_without_a_deadline_is_refused_on_the_deadline(ngo_member, organization):
    with pytest.raises(ValidationError) as error:
        news_services.news_create(
            user=ngo_member, organization=organization, data=data(category="funding")
        )
    assert "funding_deadline" in error.value.message_dict
    assert not NewsPost.objects.exists()


def test_an_image_without_alt_text_is_refused_and_no_file_is_left(
    ngo_member, organization, settings
):
    with pytest.raises(ValidationError) as error:
        news_services.news_create(
            user=ngo_member, organization=organization, data=data(), image=png_upload()
        )
    assert "lead_image_alt" in error.value.message_dict
    assert not NewsPost.objects.exists()
    assert stored_files(settings) == []


def test_a_file_that_is_not_an_image_is_refused_on_the_image(ngo_member, organization, settings):
    fake = SimpleUploadedFile("plakat.png", b"<script>alert(1)</script>", "image/png")
    with pytest.raises(ValidationError) as error:
        news_services.news_create(
            user=ngo_member,
            organization=organization,
            data=data(lead_image_alt="Plakat"),
            image=fake,
        )
    assert "lead_image" in error.value.message_dict
    assert not NewsPost.objects.exists()
    assert stored_files(settings) == []


def test_an_image_is_stored_re_encoded_with_its_description(ngo_member, organization, settings):
    post = news_services.news_create(
        user=ngo_member,
        organization=organization,
        data=data(lead_image_alt="Plakat koncertu"),
        image=png_upload(),
    )
    assert post.lead_image.name.startswith("news/images/")
    assert len(stored_files(settings)) == 1


def test_a_bad_attachment_leaves_no_post_and_no_file(ngo_member, organization, settings):
    with pytest.raises(ValidationError) as error:
        news_services.news_create(
            user=ngo_member,
            organization=organization,
            data=data(lead_image_alt="Plakat"),
            image=png_upload(),
            attachments=[("Regulamin", pdf_upload()), ("Formularz", exe_upload())],
        )
    assert "attachments" in error.value.message_dict
    assert not NewsPost.objects.exists()
    assert not NewsAttachment.objects.exists()
    assert stored_files(settings) == []


def test_attachments_are_stored_with_their_size_in_order(ngo_member, organization):
    post = news_services.news_create(
        user=ngo_member,
        organization=organization,
        data=data(),
        attachments=[("Regulamin", pdf_upload()), ("", pdf_upload("wniosek.pdf"))],
    )
    attachments = list(post.attachments.all())
    assert [a.title for a in attachments] == ["Regulamin", "wniosek.pdf"]
    assert all(a.file_size == len(MINIMAL_PDF * 40) for a in attachments)
    assert attachments[0].extension == "PDF"


# Editing and sending for approval ------------------------------------------------------------


def test_a_members_change_to_a_published_post_sends_it_back_for_approval(
    ngo_member, organization, staff, mailoutbox, django_capture_on_commit_callbacks
):
    post = NewsPostFactory(organization=organization)
    with django_capture_on_commit_callbacks(execute=True):
        post = news_services.news_update(post=post, user=ngo_member, data={"title": "Nowy tytuł"})
    assert (post.title, post.status) == ("Nowy tytuł", NewsPost.Status.SUBMITTED)
    assert not NewsPost.objects.published().exists()
    assert [m.to for m in mailoutbox] == [[staff.email]]


def test_a_staff_change_to_a_published_post_keeps_it_published(staff, organization):
    post = NewsPostFactory(organization=organization)
    post = news_services.news_update(post=post, user=staff, data={"title": "Poprawka"})
    assert post.status == NewsPost.Status.PUBLISHED


def test_a_member_of_another_organisation_cannot_edit_submit_or_delete(other_ngo_member, submitted):
    for action in (
        lambda: news_services.news_update(post=submitted, user=other_ngo_member, data={}),
        lambda: news_services.news_submit(post=submitted, user=other_ngo_member),
        lambda: news_services.news_delete(post=submitted, user=other_ngo_member),
    ):
        with pytest.raises(PermissionDenied):
            action()
    submitted.refresh_from_db()
    assert submitted.title == "Koncert charytatywny"


def test_only_a_draft_or_a_rejected_post_is_sent_for_approval(ngo_member, organization):
    draft = NewsPostFactory(organization=organization, status="draft", published_at=None)
    rejected = NewsPostFactory(
        organization=organization, status="rejected", published_at=None, rejection_reason="X"
    )
    for post in (draft, rejected):
        assert news_services.news_submit(post=post, user=ngo_member).status == "submitted"
    published = NewsPostFactory(organization=organization)
    with pytest.raises(ValidationError):
        news_services.news_submit(post=published, user=ngo_member)
    published.refresh_from_db()
    assert published.status == NewsPost.Status.PUBLISHED


def test_can_edit_lets_active_members_and_staff_only(
    ngo_member, editor, other_ngo_member, staff, organization, submitted
):
    waiting = MembershipFactory(organization=organization, status=Membership.Status.PENDING).user
    centre_post = NewsPostFactory(organization=None, category="centre")
    assert news_services.can_edit(submitted, ngo_member)
    assert news_services.can_edit(submitted, editor)
    assert news_services.can_edit(submitted, staff)
    assert news_services.can_edit(centre_post, staff)
    assert not news_services.can_edit(submitted, other_ngo_member)
    assert not news_services.can_edit(submitted, waiting)
    assert not news_services.can_edit(centre_post, ngo_member)


# Moderation --------------------------------------------------------------------------------


def test_staff_approve_a_post_and_the_organisations_admins_are_told(
    staff, ngo_member, editor, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = news_services.news_approve(post=submitted, user=staff)
    assert post.status == NewsPost.Status.PUBLISHED
    assert post.published_at is not None
    assert NewsPost.objects.published().filter(pk=post.pk).exists()
    # The administrators, not the editors, hear the centre's decisions.
    assert [m.to for m in mailoutbox] == [[ngo_member.email]]
    assert "Koncert charytatywny" in mailoutbox[0].subject


def test_an_approved_post_with_a_later_date_stays_scheduled(staff, submitted):
    later = timezone.now() + datetime.timedelta(days=5)
    submitted.published_at = later
    submitted.save()
    post = news_services.news_approve(post=submitted, user=staff)
    assert (post.status, post.published_at) == (NewsPost.Status.PUBLISHED, later)
    assert not NewsPost.objects.published().filter(pk=post.pk).exists()


def test_staff_reject_a_post_with_a_reason_that_is_emailed_to_its_admins(
    staff, ngo_member, submitted, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        post = news_services.news_reject(
            post=submitted, user=staff, reason="Proszę dodać miejsce koncertu."
        )
    assert post.status == NewsPost.Status.REJECTED
    assert post.rejection_reason == "Proszę dodać miejsce koncertu."
    assert [m.to for m in mailoutbox] == [[ngo_member.email]]
    assert "Proszę dodać miejsce koncertu." in mailoutbox[0].body


@pytest.mark.parametrize("reason", ["", "   ", None])
def test_a_rejection_needs_a_reason(staff, submitted, reason, mailoutbox):
    with pytest.raises(ValidationError) as error:
        news_services.news_reject(post=submitted, user=staff, reason=reason)
    assert "reason" in error.value.message_dict
    submitted.refresh_from_db()
    assert submitted.status == NewsPost.Status.SUBMITTED
    assert mailoutbox == []


def test_members_cannot_approve_or_reject(ngo_member, submitted):
    with pytest.raises(PermissionDenied):
        news_services.news_approve(post=submitted, user=ngo_member)
    with pytest.raises(PermissionDenied):
        news_services.news_reject(post=submitted, user=ngo_member, reason="Nie.")
    submitted.refresh_from_db()
    assert submitted.status == NewsPost.Status.SUBMITTED


def test_only_a_post_waiting_for_approval_is_approved_or_rejected(staff, organization):
    draft = NewsPostFactory(organization=organization, status="draft", published_at=None)
    with pytest.raises(ValidationError):
        news_services.news_approve(post=draft, user=staff)
    with pytest.raises(ValidationError):
        news_services.news_reject(post=draft, user=staff, reason="Nie.")
    draft.refresh_from_db()
    assert draft.status == NewsPost.Status.DRAFT


# Deleting ------------------------------------------------------------------------------------


def test_deleting_a_post_removes_its_files_once_committed(
    ngo_member, organization, settings, django_capture_on_commit_callbacks
):
    post = NewsPostFactory(organization=organization, lead_image=png_file(), lead_image_alt="X")
    news_attachment(post)
    assert len(stored_files(settings)) == 2
    with django_capture_on_commit_callbacks(execute=True):
        news_services.news_delete(post=post, user=ngo_member)
    assert not NewsPost.objects.exists()
    assert stored_files(settings) == []


# Defects of the services found while building the members' pages ------------------------------


def test_removing_an_attachment_removes_its_file(
    ngo_member, organization, settings, django_capture_on_commit_callbacks
):
    post = NewsPostFactory(organization=organization, status="draft", published_at=None)
    attachment = news_attachment(post)
    with django_capture_on_commit_callbacks(execute=True):
        news_services.news_update(
            post=post, user=ngo_member, data={}, remove_attachments=[attachment.pk]
        )
    assert not NewsAttachment.objects.exists()
    assert stored_files(settings) == []


def test_replacing_the_image_removes_the_old_file(
    ngo_member, organization, settings, django_capture_on_commit_callbacks
):
    post = NewsPostFactory(
        organization=organization,
        status="draft",
        published_at=None,
        lead_image=png_file(),
        lead_image_alt="Stary plakat",
    )
    with django_capture_on_commit_callbacks(execute=True):
        post = news_services.news_update(
            post=post, user=ngo_member, data={"lead_image_alt": "Nowy"}, image=png_upload()
        )
    assert [p.name for p in stored_files(settings)] == [post.lead_image.name.rsplit("/", 1)[-1]]


def test_a_failed_update_keeps_the_image_it_was_asked_to_remove(ngo_member, organization):
    post = NewsPostFactory(
        organization=organization,
        status="draft",
        published_at=None,
        lead_image=png_file(name="plakat.png"),
        lead_image_alt="Plakat",
    )
    with pytest.raises(ValidationError):
        news_services.news_update(
            post=post,
            user=ngo_member,
            data={"remove_image": True},
            attachments=[("Program", exe_upload())],
        )
    post.refresh_from_db()
    assert post.lead_image
    assert post.lead_image.storage.exists(post.lead_image.name)
