"""The public news: the list (with category and organisation filters), a post, its files."""

import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import BooleanField, Case, F, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

from cwop_portal.views import download_response
from organizations.models import NewsAttachment, NewsPost, Organization
from organizations.services import news as news_services

PAGE_SIZE = 10
CATEGORY_PARAM = "kategoria"
ORGANIZATION_PARAM = "organizacja"
_SLUG = re.compile(r"[-a-zA-Z0-9_]{1,220}")


def _chosen_category(request):
    """The category asked for in the address, or "" when none or an unknown one."""
    value = request.GET.get(CATEGORY_PARAM, "")
    return value if value in NewsPost.Category.values else ""


def _chosen_organization(request):
    """The published organisation asked for in the address, or None (unknown slugs
    are ignored, like every other invalid filter value)."""
    slug = request.GET.get(ORGANIZATION_PARAM, "").strip()
    if not _SLUG.fullmatch(slug):
        return None
    return Organization.objects.published().filter(slug=slug).first()


def _by_deadline(posts):
    """Funding calls still open first, soonest deadline first; then the ones whose
    deadline has passed, the most recently closed first."""
    today = timezone.localdate()
    return posts.annotate(
        closed=Case(
            When(funding_deadline__lt=today, then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        ),
        open_deadline=Case(When(funding_deadline__gte=today, then=F("funding_deadline"))),
    ).order_by(
        "closed",
        F("open_deadline").asc(nulls_last=True),
        F("funding_deadline").desc(nulls_last=True),
        "-published_at",
        "-pk",
    )


def _address(path, params):
    return f"{path}?{urlencode(params)}" if params else path


@require_safe
def news_list(request):
    category = _chosen_category(request)
    organization = _chosen_organization(request)
    posts = NewsPost.objects.published().for_listing()
    if organization is not None:
        posts = posts.filter(organization=organization)
    if category:
        posts = posts.filter(category=category)
    if category == NewsPost.Category.FUNDING:
        posts = _by_deadline(posts)
    else:
        posts = posts.order_by("-published_at", "-pk")
    paginator = Paginator(posts, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    list_url = reverse("organizations:news_list")
    kept = {ORGANIZATION_PARAM: organization.slug} if organization is not None else {}
    categories = [
        {
            "value": value,
            "label": label,
            "is_active": value == category,
            "url": _address(list_url, {**kept, CATEGORY_PARAM: value}),
        }
        for value, label in NewsPost.Category.choices
    ]
    return render(
        request,
        "organizations/news_list.html",
        {
            "page_obj": page,
            "posts": page.object_list,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "categories": categories,
            "category": category,
            "category_label": NewsPost.Category(category).label if category else "",
            "filter_organization": organization,
            "is_filtered": bool(category or organization),
            "all_categories_url": _address(list_url, kept),
            "all_organizations_url": _address(
                list_url, {CATEGORY_PARAM: category} if category else {}
            ),
        },
    )


def _visibility(post, now=None):
    """Why the public cannot see the post, or "" when it is public now."""
    now = now or timezone.now()
    if post.status == NewsPost.Status.DRAFT:
        return "draft"
    if post.status == NewsPost.Status.SUBMITTED:
        return "submitted"
    if post.status == NewsPost.Status.REJECTED:
        return "rejected"
    if post.published_at is None or post.published_at > now:
        return "scheduled"
    if post.expires_at is not None and post.expires_at <= now:
        return "expired"
    return ""


def _image_size(image):
    """(width, height) of a stored image, or (None, None) when it cannot be read."""
    if not image:
        return None, None
    try:
        return image.width, image.height
    except (OSError, ValueError):
        return None, None


def _visible_post_or_404(request, slug):
    return get_object_or_404(NewsPost.objects.visible_to(request.user), slug=slug)


@require_safe
def news_detail(request, slug):
    post = get_object_or_404(
        NewsPost.objects.visible_to(request.user).for_listing().prefetch_related("attachments"),
        slug=slug,
    )
    visibility = _visibility(post)
    width, height = _image_size(post.lead_image)
    can_edit = (
        request.user.is_authenticated
        and not request.user.is_staff
        and news_services.can_edit(post, request.user)
    )
    response = render(
        request,
        "organizations/news_detail.html",
        {
            "post": post,
            "visibility": visibility,
            "attachments": post.attachments.all(),
            "image_width": width,
            "image_height": height,
            "can_edit": can_edit,
            "category_url": _address(
                reverse("organizations:news_list"), {CATEGORY_PARAM: post.category}
            ),
            "organization_news_url": (
                _address(
                    reverse("organizations:news_list"),
                    {ORGANIZATION_PARAM: post.organization.slug},
                )
                if post.organization_id
                else ""
            ),
        },
    )
    if visibility:
        # Not public: never kept by a shared cache or the browser's history cache.
        add_never_cache_headers(response)
    return response


@require_safe
def news_attachment(request, slug, pk, filename):
    post = _visible_post_or_404(request, slug)
    attachment = get_object_or_404(NewsAttachment, pk=pk, post=post)
    attachment.post = post  # for get_absolute_url, without another query
    if filename != attachment.download_name:
        return redirect(attachment.get_absolute_url(), permanent=True)
    response = download_response(attachment)
    if _visibility(post):
        add_never_cache_headers(response)
    return response
