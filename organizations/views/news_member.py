"""Members' news pages: an organisation's posts, writing, editing, sending for
approval and deleting them.

Access: the active members of the organisation (administrators and editors), and
nobody else: for everybody else the organisation and its posts do not exist (404).
A post is reached through `get_news_post_for_member_or_404`.

Centre staff get a 404 on these pages, even when they also belong to an
organisation: for `news_services` a staff member's post is published without
moderation, which these pages (written around "send for approval") would not
say. Staff write and moderate news in the admin.

The writes go through `organizations.services.news`: a member's post is a draft
or waits for the centre's approval; editing a published post sends it back for
approval.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from organizations.access import get_organization_for_member_or_404
from organizations.forms.news import NewsPostForm
from organizations.models import Membership, NewsPost
from organizations.services import news as news_services

PER_PAGE = 25
SUBMITTABLE = {NewsPost.Status.DRAFT, NewsPost.Status.REJECTED}


def _organization_for_member_or_404(user, slug):
    if user.is_staff:
        raise Http404
    return get_organization_for_member_or_404(user, slug)


def get_news_post_for_member_or_404(user, pk):
    """The post `pk` when `user` is an active member of its organisation and
    `news_services.can_edit` lets them edit it; a 404 for everybody else (staff
    included: they use the admin). The centre's own posts (no organisation) are
    nobody's here."""
    if user.is_staff:
        raise Http404
    post = get_object_or_404(
        NewsPost.objects.select_related("organization").filter(
            organization__memberships__user=user,
            organization__memberships__status=Membership.Status.ACTIVE,
        ),
        pk=pk,
    )
    if not news_services.can_edit(post, user):
        raise Http404
    return post


def post_state(post, now):
    """What a member needs to know about a post, as one word: draft, submitted,
    scheduled, published, expired or rejected."""
    if post.status == NewsPost.Status.PUBLISHED:
        if post.expires_at and post.expires_at <= now:
            return "expired"
        if post.published_at and post.published_at > now:
            return "scheduled"
    return post.status


@login_required
@require_http_methods(["GET", "HEAD"])
def organization_news(request, slug):
    organization = _organization_for_member_or_404(request.user, slug)
    posts = organization.news_posts.order_by("-created_at", "-pk")
    page = Paginator(posts, PER_PAGE).get_page(request.GET.get("page"))
    now = timezone.now()
    for post in page:
        post.organization = organization  # one organisation: no query per post
        post.state = post_state(post, now)
        post.can_submit = post.status in SUBMITTABLE
    return render(
        request,
        "organizations/member_news_list.html",
        {
            "organization": organization,
            "page_obj": page,
            "posts": page.object_list,
            "page_range": page.paginator.get_elided_page_range(page.number),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def news_create(request, slug):
    organization = _organization_for_member_or_404(request.user, slug)
    form = NewsPostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        submit = "submit_for_approval" in request.POST
        try:
            post = news_services.news_create(
                user=request.user,
                organization=organization,
                data=form.post_data(),
                image=form.cleaned_data["lead_image"],
                attachments=form.new_attachments(),
                submit=submit,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if submit:
                message = _(
                    "“%(title)s” has been sent to the centre for approval. It will be "
                    "published once the centre approves it."
                )
            else:
                message = _(
                    "“%(title)s” has been saved as a draft. Send it for approval when it is ready."
                )
            messages.success(request, message % {"title": post.title})
            return redirect("organizations:organization_news", slug=organization.slug)
    return render(
        request,
        "organizations/member_news_form.html",
        {
            "form": form,
            "organization": organization,
            "post": None,
            "files_dropped": bool(request.FILES) and bool(form.errors),
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def news_edit(request, pk):
    post = get_news_post_for_member_or_404(request.user, pk)
    organization = post.organization
    form = NewsPostForm(request.POST or None, request.FILES or None, post=post)
    # A published post goes back for approval whatever the button; a post already
    # waiting for approval keeps waiting.
    can_submit = post.status in SUBMITTABLE
    post.state = post_state(post, timezone.now())
    if request.method == "POST" and form.is_valid():
        submit = can_submit and "submit_for_approval" in request.POST
        was_published = post.status == NewsPost.Status.PUBLISHED
        try:
            post = news_services.news_update(
                post=post,
                user=request.user,
                data=form.post_data(),
                image=form.cleaned_data["lead_image"],
                attachments=form.new_attachments(),
                remove_attachments=form.removed_attachment_ids(),
                submit=submit,
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if was_published:
                message = _(
                    "The changes to “%(title)s” have been saved and sent to the centre for "
                    "approval. Until the centre approves them, the post is not shown in the "
                    "portal."
                )
            elif submit:
                message = _("“%(title)s” has been saved and sent to the centre for approval.")
            else:
                message = _("The changes to “%(title)s” have been saved.")
            messages.success(request, message % {"title": post.title})
            return redirect("organizations:organization_news", slug=organization.slug)
    return render(
        request,
        "organizations/member_news_form.html",
        {
            "form": form,
            "organization": organization,
            "post": post,
            "can_submit": can_submit,
            "files_dropped": bool(request.FILES) and bool(form.errors),
        },
    )


@login_required
@require_POST
def news_submit(request, pk):
    post = get_news_post_for_member_or_404(request.user, pk)
    try:
        news_services.news_submit(post=post, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            _(
                "“%(title)s” has been sent to the centre for approval. It will be "
                "published once the centre approves it."
            )
            % {"title": post.title},
        )
    return redirect("organizations:organization_news", slug=post.organization.slug)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def news_delete(request, pk):
    post = get_news_post_for_member_or_404(request.user, pk)
    organization = post.organization
    if request.method == "POST":
        news_services.news_delete(post=post, user=request.user)
        messages.success(request, _("“%(title)s” has been deleted.") % {"title": post.title})
        return redirect("organizations:organization_news", slug=organization.slug)
    post.state = post_state(post, timezone.now())
    return render(
        request,
        "organizations/member_news_confirm_delete.html",
        {"post": post, "organization": organization},
    )
