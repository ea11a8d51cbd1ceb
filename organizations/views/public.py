"""The public directory: list with search and filters, profile, contact relay, open data."""

import json

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from cwop_portal.emails import mail_failed
from cwop_portal.spreadsheets import csv_response
from organizations.forms.public import ContactForm, DirectoryFilterForm
from organizations.models import Membership, Organization
from organizations.services import organizations as services

PAGE_SIZE = 20
EXPORT_CHUNK_SIZE = 500
EXPORT_FIELDS = [
    "name",
    "slug",
    "legal_form",
    "krs",
    "nip",
    "regon",
    "is_opp",
    "fields",
    "target_groups",
    "district",
    "address",
    "postal_code",
    "website",
    "url",
    "updated_at",
]
CSV_FILENAME = "organizacje-bialystok.csv"


@require_safe
def organization_list(request):
    form = DirectoryFilterForm(request.GET)
    form.is_valid()  # always valid: invalid values are dropped, not reported
    organizations = form.filter(Organization.objects.published().for_listing())
    paginator = Paginator(organizations, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "organizations/organization_list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "organizations": page.object_list,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


@require_safe
def organization_detail(request, slug):
    organization = get_object_or_404(
        Organization.objects.visible_to(request.user).for_listing(), slug=slug
    )
    membership_status = None
    if request.user.is_authenticated:
        membership_status = (
            Membership.objects.filter(organization=organization, user=request.user)
            .order_by("pk")
            .values_list("status", flat=True)
            .first()
        )
    is_member = membership_status == Membership.Status.ACTIVE
    can_be_contacted = organization.can_be_contacted()
    return render(
        request,
        "organizations/organization_detail.html",
        {
            "organization": organization,
            "is_member": is_member,
            "has_asked_to_join": membership_status == Membership.Status.PENDING,
            "can_ask_to_join": (
                request.user.is_authenticated
                and membership_status is None
                and organization.is_published
            ),
            "sees_moderation": is_member or request.user.is_staff,
            # None also when nobody answers for the organisation (the page says so).
            "contact_form": ContactForm(organization=organization) if can_be_contacted else None,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def organization_contact(request, slug):
    organization = get_object_or_404(Organization.objects.published(), slug=slug)
    if request.method != "POST" and not organization.can_be_contacted():
        # Nobody would read a message: say so instead of offering the form. (A form
        # sent meanwhile is refused by the service, what was written kept in it.)
        return render(
            request,
            "organizations/organization_contact.html",
            {"organization": organization, "form": None, "rate_limited": False},
        )
    data = request.POST if request.method == "POST" else None
    form = ContactForm(data, organization=organization)
    status = 200
    rate_limited = False
    if request.method == "POST":
        if form.is_bot:
            # Pretend it worked; a bot learns nothing and nothing is sent.
            return _sent(request, organization)
        if form.is_valid():
            if ratelimit.consume(request, action="contact_organization", key=str(organization.pk)):
                try:
                    services.contact_message_send(
                        organization=organization,
                        sender_name=form.cleaned_data["name"],
                        sender_email=form.cleaned_data["email"],
                        body=form.cleaned_data["message"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    return _sent(request, organization)
            else:
                rate_limited = True
                status = 429
    return render(
        request,
        "organizations/organization_contact.html",
        {"organization": organization, "form": form, "rate_limited": rate_limited},
        status=status,
    )


def _sent(request, organization):
    if mail_failed():
        messages.warning(
            request,
            _(
                "Your message to %(organization)s has been saved, but the e-mail to the "
                "organisation could not be sent just now. Its administrators will see your "
                "message in the portal and can reply to the e-mail address you gave."
            )
            % {"organization": organization.name},
        )
        return redirect(organization)
    messages.success(
        request,
        _(
            "Your message has been sent to %(organization)s. "
            "The organisation will reply to the e-mail address you gave."
        )
        % {"organization": organization.name},
    )
    return redirect(organization)


# --- Open data ----------------------------------------------------------------


def _export_queryset():
    return Organization.objects.published().for_listing().order_by("name", "pk")


def _export_records(request):
    """The public fields of every published organisation, as dictionaries.

    Rows are read in chunks (one query for the organisations and one per
    many-to-many field per chunk), so memory and queries do not grow per row.
    """
    # Open data links to the Polish (main) version of each profile, whichever
    # language the file was requested in.
    with translation.override(settings.LANGUAGE_CODE):
        for organization in _export_queryset().iterator(chunk_size=EXPORT_CHUNK_SIZE):
            yield {
                "name": organization.name,
                "slug": organization.slug,
                "legal_form": organization.legal_form,
                "krs": organization.krs or "",
                "nip": organization.nip,
                "regon": organization.regon,
                "is_opp": organization.is_opp,
                "fields": [term.name_pl for term in organization.listed_fields],
                "target_groups": [term.name_pl for term in organization.listed_target_groups],
                "district": organization.district.name if organization.district else None,
                "address": organization.street_address,
                "postal_code": organization.postal_code,
                "website": organization.website,
                "url": request.build_absolute_uri(
                    reverse("organizations:organization_detail", args=[organization.slug])
                ),
                "updated_at": timezone.localtime(organization.updated_at).isoformat(),
            }


def _csv_cell(value):
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "; ".join(value)
    return value


def _csv_rows(request):
    for record in _export_records(request):
        yield [_csv_cell(record[key]) for key in EXPORT_FIELDS]


def _json_chunks(request):
    yield "["
    separator = "\n"
    for record in _export_records(request):
        yield separator + json.dumps(record, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


@require_safe
def organization_export_csv(request):
    return csv_response(CSV_FILENAME, EXPORT_FIELDS, _csv_rows(request), streamed=True)


@require_safe
def organization_export_json(request):
    return StreamingHttpResponse(
        _json_chunks(request), content_type="application/json; charset=utf-8"
    )
