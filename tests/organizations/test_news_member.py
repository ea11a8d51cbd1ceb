"""Members' news pages: an organisation's posts, writing, editing, sending for
approval and deleting them.

Pages are requested in English (`/en/…`) where a test reads their text; dates are
checked on the Polish pages (`/…`), which show them in Polish.

Centre staff get a 404 on these pages, even when they belong to an organisation:
they write and moderate news in the admin, where their posts publish directly.
"""

import datetime
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
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

UTC = datetime.UTC


def url(name, *args, language="en"):
    with translation.override(language):
        return reverse(f"organizations:{name}", args=args)


def messages_of(response):
    return [str(m) for m in get_messages(response.wsgi_request)]


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def input_tag(html, name):
    """The HTML tag of the form control called `name`."""
    return re.search(rf'<(?:input|select|textarea)[^>]*name="{name}"[^>]*>', html).group(0)


def field_error(html, name):
    """The text of the error shown under the field `name`, or None."""
    match = re.search(rf'id="id_{name}_error"[^>]*>(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else None


def png_upload(name="zdjecie.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (120, 80), (10, 88, 202)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def pdf_upload(name="regulamin.pdf"):
    return SimpleUploadedFile(name, MINIMAL_PDF * 40, content_type="application/pdf")


def exe_upload(name="regulamin.pdf"):
    return SimpleUploadedFile(
        name, b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 400, content_type="application/pdf"
    )


def news(**overrides):
    """A valid POST of the news form."""
    return {
        "title": "Warsztaty dla wolontariuszy",
        "category": "announcement",
        "lead": "Zapraszamy na bezpłatne warsztaty.",
        "body": "## Program\n\n- powitanie\n- ćwiczenia",
        **overrides,
    }


@pytest.fixture
def org_a(ngo_member):
    """A published organisation; ngo_member is its administrator."""
    organization = OrganizationFactory(name="Stowarzyszenie Alfa", krs="0000000101")
    MembershipFactory(user=ngo_member, organization=organization)
    return organization


@pytest.fixture
def editor_a(org_a):
    return MembershipFactory(
        organization=org_a, role=Membership.Role.EDITOR, user=UserFactory()
    ).user


@pytest.fixture
def org_b(other_ngo_member):
    organization = OrganizationFactory(name="Fundacja Beta", krs="0000000202")
    MembershipFactory(user=other_ngo_member, organization=organization)
    return organization


@pytest.fixture
def draft_a(org_a, ngo_member):
    return NewsPostFactory(
        organization=org_a,
        author=ngo_member,
        title="Szkic Alfy",
        status=NewsPost.Status.DRAFT,
        published_at=None,
    )


# Access --------------------------------------------------------------------------------

PERSONAS = ["admin", "editor", "member_of_another", "anonymous", "staff"]
MATRIX = {
    # page: status for an administrator and an editor of the organisation, a member
    # of another organisation, an anonymous visitor and staff
    "organization_news": [200, 200, 404, 302, 404],
    "news_create": [200, 200, 404, 302, 404],
    "news_edit": [200, 200, 404, 302, 404],
    "news_submit": [302, 302, 404, 302, 404],
    "news_delete": [200, 200, 404, 302, 404],
}
CASES = [
    (page, persona, statuses[i])
    for page, statuses in MATRIX.items()
    for i, persona in enumerate(PERSONAS)
]


@pytest.mark.django_db
@pytest.mark.parametrize(("page", "persona", "status"), CASES)
def test_permission_matrix_of_the_news_pages(
    client, ngo_member, editor_a, other_ngo_member, staff, org_a, org_b, draft_a,
    page, persona, status,
):  # fmt: skip
    user = {
        "admin": ngo_member,
        "editor": editor_a,
        "member_of_another": other_ngo_member,
        "anonymous": None,
        "staff": staff,
    }[persona]
    if user:
        client.force_login(user)
    args = [org_a.slug] if page in ("organization_news", "news_create") else [draft_a.pk]
    if page == "news_submit":
        response = client.post(url(page, *args, language="pl"))
    else:
        response = client.get(url(page, *args, language="pl"))
    assert response.status_code == status
    if persona == "anonymous":
        assert response["Location"].startswith("/konto/login/")
    draft_a.refresh_from_db()
    sent = page == "news_submit" and status == 302 and persona != "anonymous"
    assert (draft_a.status == NewsPost.Status.SUBMITTED) is sent


@pytest.mark.django_db
def test_staff_who_belong_to_an_organisation_still_use_the_admin_for_news(
    client, staff, org_a, draft_a
):
    MembershipFactory(user=staff, organization=org_a)
    client.force_login(staff)
    assert client.get(url("organization_news", org_a.slug)).status_code == 404
    assert client.get(url("news_create", org_a.slug)).status_code == 404
    assert client.get(url("news_edit", draft_a.pk)).status_code == 404
    html = client.get(url("my_organizations")).content.decode()
    assert url("organization_news", org_a.slug) not in html


@pytest.mark.django_db
def test_a_member_of_another_organisation_cannot_change_or_delete_its_post(
    client, other_ngo_member, org_b, draft_a
):
    client.force_login(other_ngo_member)
    assert client.post(url("news_edit", draft_a.pk), news(title="Przejęty")).status_code == 404
    assert client.post(url("news_delete", draft_a.pk)).status_code == 404
    assert client.post(url("news_create", draft_a.organization.slug), news()).status_code == 404
    draft_a.refresh_from_db()
    assert draft_a.title == "Szkic Alfy"
    assert NewsPost.objects.count() == 1


@pytest.mark.django_db
def test_a_pending_request_to_join_gives_no_access_to_the_news(client, org_a, draft_a):
    requester = MembershipFactory(organization=org_a, status=Membership.Status.PENDING).user
    client.force_login(requester)
    assert client.get(url("organization_news", org_a.slug)).status_code == 404
    assert client.get(url("news_edit", draft_a.pk)).status_code == 404


@pytest.mark.django_db
def test_the_centres_own_posts_cannot_be_reached_from_the_members_pages(client, ngo_member, org_a):
    centre_post = NewsPostFactory(organization=None, category=NewsPost.Category.CENTRE)
    client.force_login(ngo_member)
    assert client.get(url("news_edit", centre_post.pk)).status_code == 404
    assert client.post(url("news_delete", centre_post.pk)).status_code == 404
    assert NewsPost.objects.filter(pk=centre_post.pk).exists()


@pytest.mark.django_db
def test_sending_for_approval_is_post_only(client, ngo_member, draft_a):
    client.force_login(ngo_member)
    assert client.get(url("news_submit", draft_a.pk)).status_code == 405


@pytest.mark.django_db
def test_my_organisations_links_the_news_of_each_organisation(client, ngo_member, org_a):
    client.force_login(ngo_member)
    html = client.get(url("my_organizations")).content.decode()
    assert f'href="{url("organization_news", org_a.slug)}"' in html


# The list --------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_news_list_shows_each_status_in_words_and_the_reason_for_rejection(
    client, ngo_member, org_a
):
    now = timezone.now()
    NewsPostFactory(organization=org_a, title="Wpis szkic", status="draft", published_at=None)
    NewsPostFactory(organization=org_a, title="Wpis czeka", status="submitted", published_at=None)
    NewsPostFactory(organization=org_a, title="Wpis publiczny")
    NewsPostFactory(
        organization=org_a, title="Wpis zaplanowany", published_at=now + datetime.timedelta(days=3)
    )
    NewsPostFactory(
        organization=org_a,
        title="Wpis wygasły",
        published_at=now - datetime.timedelta(days=3),
        expires_at=now - datetime.timedelta(days=1),
    )
    NewsPostFactory(
        organization=org_a,
        title="Wpis odrzucony",
        status="rejected",
        published_at=None,
        rejection_reason="Brak <b>daty</b>.",
    )
    NewsPostFactory(title="Wpis innej organizacji")
    client.force_login(ngo_member)
    html = client.get(url("organization_news", org_a.slug)).content.decode()
    for words in ["Draft", "Waiting for approval", "Published", "Expired", "Rejected"]:
        assert f">{words}</span>" in html
    assert "scheduled for" in html
    assert "Brak &lt;b&gt;daty&lt;/b&gt;." in html
    assert "Wpis innej organizacji" not in html
    assert html.count("<h1") == 1
    assert f'href="{url("news_create", org_a.slug)}"' in html
    assert "Write a news post" in html


@pytest.mark.django_db
def test_dates_are_shown_in_polish_in_bialystok_time(client, ngo_member, org_a):
    NewsPostFactory(
        organization=org_a,
        published_at=datetime.datetime(2030, 11, 28, 13, 30, tzinfo=UTC),  # winter: UTC+1
        event_starts_at=datetime.datetime(2030, 7, 1, 16, 0, tzinfo=UTC),  # summer: UTC+2
    )
    client.force_login(ngo_member)
    html = client.get(url("organization_news", org_a.slug, language="pl")).content.decode()
    assert "28 listopada 2030, 14:30" in html
    assert "1 lipca 2030, 18:00" in html


@pytest.mark.django_db
def test_send_for_approval_is_offered_for_drafts_and_rejected_posts_only(
    client, ngo_member, org_a, draft_a
):
    rejected = NewsPostFactory(
        organization=org_a, status="rejected", published_at=None, rejection_reason="X"
    )
    waiting = NewsPostFactory(organization=org_a, status="submitted", published_at=None)
    public = NewsPostFactory(organization=org_a)
    client.force_login(ngo_member)
    html = client.get(url("organization_news", org_a.slug)).content.decode()
    assert f'action="{url("news_submit", draft_a.pk)}"' in html
    assert f'action="{url("news_submit", rejected.pk)}"' in html
    assert f'action="{url("news_submit", waiting.pk)}"' not in html
    assert f'action="{url("news_submit", public.pk)}"' not in html
    for post in (draft_a, rejected, waiting, public):
        assert f'href="{url("news_edit", post.pk)}"' in html
        assert f'href="{url("news_delete", post.pk)}"' in html


@pytest.mark.django_db
def test_the_news_list_is_a_table_with_named_actions(client, ngo_member, org_a, draft_a):
    client.force_login(ngo_member)
    html = client.get(url("organization_news", org_a.slug)).content.decode()
    assert "<caption" in html
    assert html.count('<th scope="col">') == 5
    assert '<th scope="row"' in html
    assert 'Edit<span class="visually-hidden">: Szkic Alfy</span>' in html
    assert 'Send for approval<span class="visually-hidden">: Szkic Alfy</span>' in html
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_an_organisation_without_posts_is_told_so(client, ngo_member, org_a):
    client.force_login(ngo_member)
    html = client.get(url("organization_news", org_a.slug)).content.decode()
    assert "has no news posts yet" in html


@pytest.mark.django_db
def test_the_news_list_runs_a_constant_number_of_queries(
    client, ngo_member, org_a, django_assert_max_num_queries
):
    statuses = ["draft", "submitted", "published", "rejected"]
    for n in range(30):
        status = statuses[n % 4]
        post = NewsPostFactory(
            organization=org_a,
            title=f"Wpis {n:02}",
            status=status,
            category=["announcement", "event", "funding"][n % 3],
            published_at=timezone.now() if status == "published" else None,
            rejection_reason="Powód" if status == "rejected" else "",
            event_starts_at=timezone.now() if n % 3 == 1 else None,
        )
        if n % 5 == 0:
            news_attachment(post)
    client.force_login(ngo_member)
    with django_assert_max_num_queries(10):
        html = client.get(url("organization_news", org_a.slug)).content.decode()
    assert all(f"Wpis {n:02}" in html for n in range(5, 30))  # newest first: page 1


@pytest.mark.django_db
def test_many_posts_are_split_into_pages(client, ngo_member, org_a):
    for n in range(30):
        NewsPostFactory(organization=org_a, title=f"Wpis {n:02}")
    client.force_login(ngo_member)
    first = client.get(url("organization_news", org_a.slug)).content.decode()
    second = client.get(url("organization_news", org_a.slug) + "?page=2").content.decode()
    assert first.count('<th scope="row"') == 25
    assert second.count('<th scope="row"') == 5
    assert 'rel="next"' in first


# Writing ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_new_post_form_is_accessible(client, ngo_member, org_a):
    client.force_login(ngo_member)
    html = client.get(url("news_create", org_a.slug)).content.decode()
    assert html.count("<h1") == 1
    assert 'enctype="multipart/form-data"' in html
    for legend in ["The post", "Funding call", "Event", "Lead image", "Publication"]:
        assert re.search(rf"<legend[^>]*>\s*{legend}\s*</legend>", html)
    assert re.search(r"<legend[^>]*>\s*New attachment 3\s*</legend>", html)
    assert 'accept="image/jpeg,image/png,image/gif,image/webp"' in input_tag(html, "lead_image")
    assert ".pdf,.docx,.xlsx,.odt" in input_tag(html, "attachment_1")
    assert 'type="date"' in input_tag(html, "funding_deadline")
    for name in ["event_starts_at", "published_at", "expires_at"]:
        assert 'type="datetime-local"' in input_tag(html, name)
    assert input_tag(html, "lead").startswith("<textarea")
    assert 'maxlength="500"' in input_tag(html, "lead")
    assert input_tag(html, "body").startswith("<textarea")
    assert "<select" in input_tag(html, "category")
    assert "Save as draft" in html
    assert 'name="submit_for_approval"' in html
    # Every control has its label.
    for control_id in re.findall(r'<(?:input|select|textarea)[^>]*\sid="([^"]+)"', html):
        assert f'for="{control_id}"' in html, control_id
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_members_choose_among_announcements_events_and_funding_calls(client, ngo_member, org_a):
    client.force_login(ngo_member)
    html = client.get(url("news_create", org_a.slug)).content.decode()
    assert 'value="funding"' in html
    assert 'value="centre"' not in html
    response = client.post(url("news_create", org_a.slug), news(category="centre"))
    assert field_error(response.content.decode(), "category")
    assert not NewsPost.objects.exists()


@pytest.mark.django_db
def test_writing_a_draft_saves_it_and_tells_nobody(
    client, ngo_member, org_a, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("news_create", org_a.slug), news())
    assert response.status_code == 302
    assert response["Location"] == url("organization_news", org_a.slug)
    post = NewsPost.objects.get()
    assert (post.title, post.status, post.organization, post.author) == (
        "Warsztaty dla wolontariuszy",
        NewsPost.Status.DRAFT,
        org_a,
        ngo_member,
    )
    assert post.published_at is None
    assert mailoutbox == []
    assert any("saved as a draft" in m for m in messages_of(response))


@pytest.mark.django_db
def test_writing_and_sending_for_approval_tells_the_staff(
    client, editor_a, org_a, staff, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(editor_a)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("news_create", org_a.slug), news(submit_for_approval="1"))
    assert response.status_code == 302
    post = NewsPost.objects.get()
    assert post.status == NewsPost.Status.SUBMITTED
    assert post.submitted_at is not None
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert "Warsztaty dla wolontariuszy" in mailoutbox[0].subject
    assert any("sent to the centre for approval" in m for m in messages_of(response))


@pytest.mark.django_db
def test_dates_and_times_are_read_as_bialystok_time(client, ngo_member, org_a):
    client.force_login(ngo_member)
    response = client.post(
        url("news_create", org_a.slug),
        news(
            category="event",
            event_starts_at="2030-07-01T18:00",  # summer time, UTC+2
            event_place="Centrum, ul. Pałacowa 3",
            published_at="2030-01-15T09:30",  # winter time, UTC+1
            expires_at="2030-07-02T00:00",
        ),
    )
    assert response.status_code == 302
    post = NewsPost.objects.get()
    assert post.event_starts_at == datetime.datetime(2030, 7, 1, 16, 0, tzinfo=UTC)
    assert post.published_at == datetime.datetime(2030, 1, 15, 8, 30, tzinfo=UTC)
    assert post.expires_at == datetime.datetime(2030, 7, 1, 22, 0, tzinfo=UTC)
    assert post.event_place == "Centrum, ul. Pałacowa 3"


@pytest.mark.django_db
def test_a_time_that_does_not_exist_when_clocks_go_forward_is_an_error_on_its_field(
    client, ngo_member, org_a
):
    client.force_login(ngo_member)
    response = client.post(url("news_create", org_a.slug), news(event_starts_at="2030-03-31T02:30"))
    assert response.status_code == 200
    assert field_error(response.content.decode(), "event_starts_at")
    assert not NewsPost.objects.exists()


@pytest.mark.django_db
def test_a_funding_call_without_a_deadline_is_refused_on_the_deadline_field(
    client, ngo_member, org_a
):
    client.force_login(ngo_member)
    response = client.post(url("news_create", org_a.slug), news(category="funding"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "needs its application deadline" in field_error(html, "funding_deadline")
    assert 'aria-invalid="true"' in input_tag(html, "funding_deadline")
    assert 'aria-invalid="true"' not in input_tag(html, "title")
    assert "<title>Error:" in html
    summary = re.search(r'class="alert alert-danger error-summary".*?</div>', html, re.S).group(0)
    assert 'href="#id_funding_deadline"' in summary
    assert not NewsPost.objects.exists()


@pytest.mark.django_db
def test_a_funding_call_with_its_deadline_is_saved(client, ngo_member, org_a):
    client.force_login(ngo_member)
    response = client.post(
        url("news_create", org_a.slug), news(category="funding", funding_deadline="2030-05-31")
    )
    assert response.status_code == 302
    post = NewsPost.objects.get()
    assert (post.category, post.funding_deadline) == ("funding", datetime.date(2030, 5, 31))


@pytest.mark.django_db
def test_a_malformed_date_is_refused_and_not_written_back_into_the_date_input(
    client, ngo_member, org_a
):
    """A date input's value must be a date, or the page is not valid HTML."""
    client.force_login(ngo_member)
    html = client.post(
        url("news_create", org_a.slug),
        news(category="funding", funding_deadline="31.05.2030<", published_at="jutro"),
    ).content.decode()
    assert field_error(html, "funding_deadline")
    assert field_error(html, "published_at")
    assert "value=" not in input_tag(html, "funding_deadline")
    assert "value=" not in input_tag(html, "published_at")
    assert not NewsPost.objects.exists()


@pytest.mark.django_db
def test_dates_typed_the_polish_way_are_accepted_and_shown_again_as_dates(
    client, ngo_member, org_a
):
    """Where a browser has no date picker, people type "31.05.2030" (on the Polish pages)."""
    client.force_login(ngo_member)
    page = url("news_create", org_a.slug, language="pl")
    html = client.post(
        page, news(title="", category="funding", funding_deadline="31.05.2030")
    ).content.decode()
    assert field_error(html, "title")
    assert field_error(html, "funding_deadline") is None
    assert 'value="2030-05-31"' in input_tag(html, "funding_deadline")
    client.post(page, news(category="funding", funding_deadline="31.05.2030"))
    assert NewsPost.objects.get().funding_deadline == datetime.date(2030, 5, 31)


@pytest.mark.django_db
def test_an_image_without_alt_text_is_refused_on_the_alt_field_and_no_file_is_stored(
    client, ngo_member, org_a, settings
):
    client.force_login(ngo_member)
    response = client.post(url("news_create", org_a.slug), news(lead_image=png_upload()))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Describe the image" in field_error(html, "lead_image_alt")
    assert not NewsPost.objects.exists()
    assert stored_files(settings) == []
    assert "choose them again" in html


@pytest.mark.django_db
def test_a_file_that_is_not_an_image_is_refused_and_nothing_is_stored(
    client, ngo_member, org_a, settings
):
    client.force_login(ngo_member)
    fake = SimpleUploadedFile("zdjecie.png", b"<?php echo 'not an image'; ?>", "image/png")
    response = client.post(
        url("news_create", org_a.slug), news(lead_image=fake, lead_image_alt="Uczestnicy")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert field_error(html, "lead_image")
    assert 'aria-invalid="true"' in input_tag(html, "lead_image")
    assert field_error(html, "lead_image_alt") is None
    assert not NewsPost.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_an_image_with_its_description_is_stored_re_encoded(client, ngo_member, org_a, settings):
    client.force_login(ngo_member)
    response = client.post(
        url("news_create", org_a.slug),
        news(lead_image=png_upload(), lead_image_alt="Uczestnicy warsztatów przy stole"),
    )
    assert response.status_code == 302
    post = NewsPost.objects.get()
    assert post.lead_image.name.startswith("news/images/")
    assert post.lead_image_alt == "Uczestnicy warsztatów przy stole"
    assert len(stored_files(settings)) == 1


@pytest.mark.django_db
def test_a_program_renamed_to_pdf_is_refused_on_its_attachment_field_and_nothing_is_stored(
    client, ngo_member, org_a, settings
):
    client.force_login(ngo_member)
    response = client.post(
        url("news_create", org_a.slug),
        news(
            attachment_1=pdf_upload(),
            attachment_1_title="Regulamin",
            attachment_2=exe_upload(),
            attachment_2_title="Formularz",
            submit_for_approval="1",
        ),
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "does not match" in field_error(html, "attachment_2")
    assert field_error(html, "attachment_1") is None
    assert not NewsPost.objects.exists()
    assert not NewsAttachment.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.django_db
def test_a_word_file_is_refused_as_an_attachment(client, ngo_member, org_a):
    client.force_login(ngo_member)
    old_word = SimpleUploadedFile("stary.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    html = client.post(url("news_create", org_a.slug), news(attachment_1=old_word)).content.decode()
    assert "PDF, DOCX, XLSX or ODT" in field_error(html, "attachment_1")
    assert not NewsPost.objects.exists()


@pytest.mark.django_db
def test_a_pdf_attachment_is_stored_and_listed_with_its_type_and_size(
    client, ngo_member, org_a, settings
):
    client.force_login(ngo_member)
    response = client.post(
        url("news_create", org_a.slug),
        news(attachment_1=pdf_upload(), attachment_1_title="Regulamin konkursu"),
    )
    assert response.status_code == 302
    attachment = NewsAttachment.objects.get()
    assert attachment.title == "Regulamin konkursu"
    assert attachment.file_size == len(MINIMAL_PDF * 40)
    assert len(stored_files(settings)) == 1
    html = client.get(url("news_edit", attachment.post.pk)).content.decode()
    assert "Remove “Regulamin konkursu” (PDF, 4.9\xa0KB)" in html


@pytest.mark.django_db
def test_an_attachment_without_a_title_is_named_after_its_file(client, ngo_member, org_a):
    client.force_login(ngo_member)
    client.post(url("news_create", org_a.slug), news(attachment_3=pdf_upload("wniosek.pdf")))
    assert NewsAttachment.objects.get().title == "wniosek.pdf"


@pytest.mark.django_db
def test_a_title_without_its_file_asks_for_the_file(client, ngo_member, org_a):
    client.force_login(ngo_member)
    html = client.post(
        url("news_create", org_a.slug), news(attachment_2_title="Regulamin")
    ).content.decode()
    assert "Choose the file" in field_error(html, "attachment_2")
    assert not NewsPost.objects.exists()


@pytest.mark.django_db
def test_hiding_a_post_before_it_is_published_is_refused_on_the_expiry_field(
    client, ngo_member, org_a
):
    client.force_login(ngo_member)
    html = client.post(
        url("news_create", org_a.slug),
        news(published_at="2030-05-10T12:00", expires_at="2030-05-09T12:00"),
    ).content.decode()
    assert "hidden after it is published" in field_error(html, "expires_at")
    assert field_error(html, "published_at") is None
    assert not NewsPost.objects.exists()


@pytest.mark.django_db
def test_hiding_a_post_in_the_past_is_refused(client, ngo_member, org_a):
    client.force_login(ngo_member)
    html = client.post(
        url("news_create", org_a.slug), news(expires_at="2020-05-09T12:00")
    ).content.decode()
    assert "in the future" in field_error(html, "expires_at")
    assert not NewsPost.objects.exists()


@pytest.mark.django_db
def test_errors_found_by_the_service_are_shown_on_the_fields_not_as_a_crash(
    client, ngo_member, org_a, monkeypatch
):
    def refuse(**kwargs):
        raise ValidationError(
            {
                "attachments": ["Attachment refused."],
                "lead_image": ["Image refused."],
                "slug": ["Slug problem."],
            }
        )

    monkeypatch.setattr(news_services, "news_create", refuse)
    client.force_login(ngo_member)
    response = client.post(
        url("news_create", org_a.slug), news(attachment_2=pdf_upload(), lead_image_alt="Opis")
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert field_error(html, "attachment_2") == "Attachment refused."
    assert field_error(html, "lead_image") == "Image refused."
    summary = re.search(r'class="alert alert-danger error-summary".*?</div>', html, re.S).group(0)
    assert "<li>Slug problem.</li>" in summary


# Editing ---------------------------------------------------------------------------------


@pytest.fixture
def published_a(org_a, ngo_member):
    return NewsPostFactory(
        organization=org_a,
        author=ngo_member,
        title="Nabór wniosków",
        category=NewsPost.Category.FUNDING,
        funding_deadline=datetime.date(2030, 6, 30),
        published_at=datetime.datetime(2030, 11, 28, 13, 30, tzinfo=UTC),
    )


@pytest.mark.django_db
def test_the_edit_form_starts_from_the_post_in_bialystok_time(client, ngo_member, published_a):
    client.force_login(ngo_member)
    html = client.get(url("news_edit", published_a.pk)).content.decode()
    assert 'value="Nabór wniosków"' in input_tag(html, "title")
    assert re.search(r'<option value="funding"[^>]*selected', html)
    assert 'value="2030-06-30"' in input_tag(html, "funding_deadline")
    assert 'value="2030-11-28T14:30"' in input_tag(html, "published_at")
    assert html.count("<h1") == 1
    ids = re.findall(r'\sid="([^"]+)"', html)
    assert len(ids) == len(set(ids))


@pytest.mark.django_db
def test_editing_a_published_post_sends_it_back_for_approval(
    client, ngo_member, staff, published_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    page = client.get(url("news_edit", published_a.pk)).content.decode()
    assert "goes back to the centre for approval" in page
    assert 'name="submit_for_approval"' not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("news_edit", published_a.pk),
            news(
                title="Nabór wniosków – zmiana terminu",
                category="funding",
                funding_deadline="2030-07-15",
                published_at="2030-11-28T14:30",
            ),
        )
    assert response.status_code == 302
    assert response["Location"] == url("organization_news", published_a.organization.slug)
    published_a.refresh_from_db()
    assert published_a.status == NewsPost.Status.SUBMITTED
    assert published_a.title == "Nabór wniosków – zmiana terminu"
    assert published_a.funding_deadline == datetime.date(2030, 7, 15)
    assert published_a.published_at == datetime.datetime(2030, 11, 28, 13, 30, tzinfo=UTC)
    assert not NewsPost.objects.published().filter(pk=published_a.pk).exists()
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert any("not shown in the portal" in m for m in messages_of(response))


@pytest.mark.django_db
def test_saving_a_draft_keeps_it_a_draft_and_tells_nobody(
    client, ngo_member, staff, draft_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("news_edit", draft_a.pk), news(title="Szkic poprawiony"))
    draft_a.refresh_from_db()
    assert (draft_a.title, draft_a.status) == ("Szkic poprawiony", NewsPost.Status.DRAFT)
    assert mailoutbox == []


@pytest.mark.django_db
def test_a_rejected_post_shows_the_reason_and_can_be_corrected_and_sent_again(
    client, ngo_member, staff, org_a, mailoutbox, django_capture_on_commit_callbacks
):
    rejected = NewsPostFactory(
        organization=org_a, status="rejected", published_at=None, rejection_reason="Dodaj datę."
    )
    client.force_login(ngo_member)
    page = client.get(url("news_edit", rejected.pk)).content.decode()
    assert "Dodaj datę." in page
    assert 'name="submit_for_approval"' in page
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            url("news_edit", rejected.pk),
            news(event_starts_at="2030-05-05T17:00", submit_for_approval="1"),
        )
    rejected.refresh_from_db()
    assert rejected.status == NewsPost.Status.SUBMITTED
    assert [m.to for m in mailoutbox] == [[staff.email]]


@pytest.mark.django_db
def test_ticking_remove_removes_an_attachment_and_the_others_stay(client, ngo_member, draft_a):
    first = news_attachment(draft_a, title="Regulamin")
    second = news_attachment(draft_a, title="Formularz", name="formularz.pdf")
    client.force_login(ngo_member)
    response = client.post(url("news_edit", draft_a.pk), news(remove_attachments=[first.pk]))
    assert response.status_code == 302
    assert list(draft_a.attachments.all()) == [second]


@pytest.mark.django_db
def test_a_fourth_attachment_is_refused(client, ngo_member, draft_a):
    for n in range(2):
        news_attachment(draft_a, title=f"Załącznik {n}", name=f"zalacznik-{n}.pdf")
    client.force_login(ngo_member)
    html = client.post(
        url("news_edit", draft_a.pk),
        news(attachment_1=pdf_upload("trzeci.pdf"), attachment_2=pdf_upload("czwarty.pdf")),
    ).content.decode()
    assert field_error(html, "attachment_1") is None
    assert "at most 3 attachments" in field_error(html, "attachment_2")
    assert draft_a.attachments.count() == 2


@pytest.mark.django_db
def test_an_image_can_be_removed_and_needs_no_description_then(client, ngo_member, org_a):
    post = NewsPostFactory(
        organization=org_a,
        status="draft",
        published_at=None,
        lead_image=png_file(),
        lead_image_alt="Plakat",
    )
    client.force_login(ngo_member)
    page = client.get(url("news_edit", post.pk)).content.decode()
    assert 'alt="Plakat"' in page
    assert 'name="remove_image"' in page
    response = client.post(url("news_edit", post.pk), news(remove_image="on"))
    assert response.status_code == 302
    post.refresh_from_db()
    assert not post.lead_image
    assert post.lead_image_alt == ""


@pytest.mark.django_db
def test_a_kept_image_still_needs_its_description(client, ngo_member, org_a):
    post = NewsPostFactory(
        organization=org_a,
        status="draft",
        published_at=None,
        lead_image=png_file(),
        lead_image_alt="Plakat",
    )
    client.force_login(ngo_member)
    html = client.post(url("news_edit", post.pk), news(lead_image_alt="")).content.decode()
    assert "Describe the image" in field_error(html, "lead_image_alt")
    post.refresh_from_db()
    assert post.lead_image_alt == "Plakat"


# Sending for approval and deleting -------------------------------------------------------


@pytest.mark.django_db
def test_sending_a_draft_for_approval_tells_the_staff(
    client, ngo_member, staff, draft_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("news_submit", draft_a.pk))
    assert response["Location"] == url("organization_news", draft_a.organization.slug)
    draft_a.refresh_from_db()
    assert draft_a.status == NewsPost.Status.SUBMITTED
    assert [m.to for m in mailoutbox] == [[staff.email]]
    assert any("sent to the centre for approval" in m for m in messages_of(response))


@pytest.mark.django_db
def test_sending_a_published_post_again_is_a_message_not_a_crash(
    client, ngo_member, published_a, mailoutbox, django_capture_on_commit_callbacks
):
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("news_submit", published_a.pk))
    assert response.status_code == 302
    assert any("Only a draft or a rejected post" in m for m in messages_of(response))
    published_a.refresh_from_db()
    assert published_a.status == NewsPost.Status.PUBLISHED
    assert mailoutbox == []


@pytest.mark.django_db
def test_deleting_asks_for_confirmation_first(client, ngo_member, published_a):
    client.force_login(ngo_member)
    html = client.get(url("news_delete", published_a.pk)).content.decode()
    assert html.count("<h1") == 1
    assert "Nabór wniosków" in html
    assert "will disappear from the portal" in html
    assert re.search(r'<form method="post"[^>]*>', html)
    assert NewsPost.objects.filter(pk=published_a.pk).exists()


@pytest.mark.django_db
def test_deleting_removes_the_post_its_image_and_its_attachments(
    client, ngo_member, org_a, settings, django_capture_on_commit_callbacks
):
    post = NewsPostFactory(organization=org_a, lead_image=png_file(), lead_image_alt="Plakat")
    news_attachment(post)
    assert len(stored_files(settings)) == 2
    client.force_login(ngo_member)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("news_delete", post.pk))
    assert response["Location"] == url("organization_news", org_a.slug)
    assert not NewsPost.objects.exists()
    assert not NewsAttachment.objects.exists()
    assert stored_files(settings) == []
    assert any("has been deleted" in m for m in messages_of(response))
