"""Public pages of the premises (/sale/) and the members' bookings (/konto/rezerwacje/).

A booking's page is for the members of its organisation (404 for anybody else;
staff work on bookings in the admin). Anonymous visitors see taken times, never
who took them.
"""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cwop_portal import params
from cwop_portal.dates import local_zone
from cwop_portal.emails import mail_failed
from cwop_portal.ics import calendar_response
from organizations.access import get_organization_for_member_or_404
from organizations.models import Membership
from rooms import ics, rules
from rooms.calendar import monday_of, open_during, week_calendar, week_label
from rooms.forms import BookingForm, CancelForm, ResourceFilterForm
from rooms.models import Booking, CalendarFeed, Resource, ResourcePhoto
from rooms.schedule import opening_hours_summary
from rooms.services import bookings as services
from rooms.services import feeds as feed_services
from rooms.services.bookings import SeriesMode

UPCOMING_LIMIT = 100
PAST_PAGE = 30
FEED_PAST_DAYS = 90


def _listing():
    return Resource.objects.active().prefetch_related(
        "equipment", Prefetch("photos", queryset=ResourcePhoto.objects.order_by("position", "pk"))
    )


@require_safe
def resource_list(request):
    form = ResourceFilterForm(request.GET or None)
    resources = _listing()
    interval = None
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        if data.get("kind"):
            resources = resources.filter(kind=data["kind"])
        if data.get("capacity"):
            resources = resources.filter(capacity__gte=data["capacity"])
        for item in data.get("equipment") or []:
            resources = resources.filter(equipment=item)
        interval = form.free_interval()
        if interval:
            start, end = interval
            taken = Booking.objects.active().filter(
                resource=OuterRef("pk"), start__lt=end, end__gt=start
            )
            resources = resources.exclude(Exists(taken))
    resources = list(resources.distinct())
    if interval:
        resources = open_during(resources, *interval)
    return render(
        request,
        "rooms/resource_list.html",
        {"filter_form": form, "resources": resources, "interval": interval},
    )


def _week_nav(monday):
    """Links to the weeks around `monday`; none past the years the calendar shows."""
    previous, following = monday - datetime.timedelta(days=7), monday + datetime.timedelta(days=7)
    return {
        "week": week_label(monday),
        "previous_week": week_label(previous) if params.day_is_shown(previous) else "",
        "next_week": week_label(following) if params.day_is_shown(following) else "",
        "this_week": week_label(monday_of(timezone.localdate())),
    }


def _requested_week(request):
    """(Monday of the week to show, whether ?tydzien= was not understood, whether it
    was outside the years the calendar shows and the nearest week is shown)."""
    requested = request.GET.get("tydzien")
    if not requested:
        return monday_of(timezone.localdate()), False, False
    monday = params.parse_iso_week(requested)
    if monday is None:
        return monday_of(timezone.localdate()), True, False
    if not params.day_is_shown(monday):
        nearest = monday_of(params.nearest_shown_day(monday))
        if not params.day_is_shown(nearest):  # the week the first year starts in
            nearest += datetime.timedelta(days=7)
        return nearest, False, True
    return monday, False, False


@require_safe
def resource_detail(request, slug):
    resource = get_object_or_404(_listing(), slug=slug)
    monday, week_invalid, week_out_of_range = _requested_week(request)
    calendar = week_calendar(resource, monday)
    organization_ids = set()
    if request.user.is_authenticated:
        organization_ids = set(
            Membership.objects.filter(
                user=request.user, status=Membership.Status.ACTIVE
            ).values_list("organization_id", flat=True)
        )
    return render(
        request,
        "rooms/resource_detail.html",
        {
            "resource": resource,
            "calendar": calendar,
            "monday": monday,
            "sunday": monday + datetime.timedelta(days=6),
            "week_invalid": week_invalid,
            "week_out_of_range": week_out_of_range,
            "first_year": str(params.FIRST_YEAR),
            "last_year": str(params.LAST_YEAR),
            "my_organization_ids": organization_ids,
            "opening_hours": opening_hours_summary(resource),
            "closed_weekday_reason": _("Closed on this day of the week"),
            # Texts and the form's address, once rather than in each of ~100 cells.
            "book_url": reverse("rooms:booking_create", args=[resource.slug]),
            "free_text": _("Free"),
            "taken_text": _("Taken"),
            "past_text": _("Past"),
            "closed_text": _("Closed"),
            **_week_nav(monday),
        },
    )


def _initial_from_query(request, resource):
    """Prefill the form from the calendar's link (?start=2026-12-01T10:00)."""
    initial = {"attendees": 1}
    value = request.GET.get("start", "")
    start = params.parse_local_datetime(value, local_zone())
    if start is None:
        if value:
            messages.warning(
                request,
                _(
                    "The start time in the address (start) could not be used; "
                    "choose the date and time in the form."
                ),
            )
        return initial
    initial["date"] = start.date()
    if resource.books_whole_days:
        initial["end_date"] = start.date()
    else:
        initial["start_time"] = start.time().replace(second=0, microsecond=0)
        end = start + datetime.timedelta(minutes=max(resource.min_duration, 60))
        initial["end_time"] = end.time().replace(second=0, microsecond=0)
    return initial


def _rules_context(request, resource, organizations):
    now = timezone.now()
    quotas = []
    if resource.monthly_quota_hours is not None:
        for organization in organizations:
            left = rules.quota_left_minutes(resource, organization, now)
            quotas.append((organization, left // 60, left % 60))
    return {
        "opening_hours": opening_hours_summary(resource),
        "quotas": quotas,
        "max_days": resource.max_duration // 1440,
    }


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def booking_create(request, slug):
    resource = get_object_or_404(Resource.objects.active().prefetch_related("equipment"), slug=slug)
    organizations = list(services.bookable_organizations(request.user))
    context = {"resource": resource, "organizations": organizations}
    if not organizations:
        return render(request, "rooms/booking_no_organization.html", context, status=403)
    if request.method == "POST":
        form = BookingForm(request.POST, resource=resource, organizations=organizations)
    else:
        form = BookingForm(
            initial=_initial_from_query(request, resource),
            resource=resource,
            organizations=organizations,
        )
    context.update(_rules_context(request, resource, organizations))
    context["form"] = form
    if request.method == "POST" and form.is_valid():
        arguments = form.service_arguments()
        repeat = form.cleaned_data.get("repeat")
        try:
            if not repeat:
                booking = services.booking_create(user=request.user, **arguments)
                pending = booking.status == Booking.Status.PENDING
                if mail_failed("booking_received", "booking_confirmed"):
                    messages.warning(
                        request,
                        _(
                            "Booking requested. The staff will confirm it. We could not e-mail "
                            "you just now: follow the booking on this page."
                        )
                        if pending
                        else _(
                            "Booking confirmed. We could not e-mail you the confirmation just "
                            "now: the booking is on this page."
                        ),
                    )
                elif pending:
                    messages.success(
                        request,
                        _("Booking requested. The staff will confirm it; we have e-mailed you."),
                    )
                else:
                    messages.success(request, _("Booking confirmed. We have e-mailed you."))
                return redirect(booking)
            mode = request.POST.get("series_mode")
            if mode not in {SeriesMode.FREE_ONLY, SeriesMode.ALL_OR_NOTHING}:
                context["plan"] = services.series_plan(
                    user=request.user,
                    frequency=repeat,
                    until=form.cleaned_data["until"],
                    **{
                        k: arguments[k]
                        for k in ("resource", "organization", "start", "end", "attendees")
                    },
                    rules_accepted=arguments["rules_accepted"],
                )
                context["plan_free"] = sum(1 for o in context["plan"] if o.is_free)
                return render(request, "rooms/booking_form.html", context)
            _series, created, plan = services.booking_series_create(
                user=request.user,
                frequency=repeat,
                until=form.cleaned_data["until"],
                mode=mode,
                **arguments,
            )
            skipped = len(plan) - len(created)
            messages.success(
                request,
                ngettext("%(count)s booking made.", "%(count)s bookings made.", len(created))
                % {"count": len(created)}
                + (
                    " "
                    + ngettext(
                        "%(count)s date was not free and was skipped.",
                        "%(count)s dates were not free and were skipped.",
                        skipped,
                    )
                    % {"count": skipped}
                    if skipped
                    else ""
                ),
            )
            return redirect("rooms:my_bookings")
        except ValidationError as error:
            form.add_service_error(error)
    return render(request, "rooms/booking_form.html", context)


@require_safe
def resource_ics(request, slug):
    """The public feed of taken times: no purpose, organisation or person."""
    resource = get_object_or_404(Resource.objects.active(), slug=slug)
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    bookings = (
        Booking.objects.active()
        .filter(resource=resource, end__gte=since)
        .select_related("resource")
        .order_by("start")
    )
    content = ics.bookings_calendar(resource.name, bookings, private=False)
    return calendar_response(content, filename=f"{resource.slug}.ics")


# --- Members' bookings -------------------------------------------------------------


def _member_organization_ids(user):
    return Membership.objects.filter(user=user, status=Membership.Status.ACTIVE).values(
        "organization_id"
    )


def _my_bookings(user):
    return Booking.objects.filter(organization__in=_member_organization_ids(user)).select_related(
        "resource", "organization"
    )


@login_required
@require_safe
def my_bookings(request):
    now = timezone.now()
    bookings = _my_bookings(request.user)
    upcoming = list(bookings.filter(end__gte=now).order_by("start", "pk")[:UPCOMING_LIMIT])
    past = list(bookings.filter(end__lt=now).order_by("-start", "-pk")[:PAST_PAGE])
    for booking in upcoming:
        booking.user_can_cancel = _member_can_cancel(booking, now)
    feeds = []
    memberships = (
        Membership.objects.filter(user=request.user, status=Membership.Status.ACTIVE)
        .select_related("organization", "organization__calendar_feed")
        .order_by("organization__name")
    )
    for membership in memberships:
        organization = membership.organization
        feed = getattr(organization, "calendar_feed", None)
        feeds.append((organization, feed, membership.role == Membership.Role.ADMIN))
    return render(
        request,
        "rooms/my_bookings.html",
        {"upcoming": upcoming, "past": past, "feeds": feeds, "now": now},
    )


def _member_can_cancel(booking, now):
    """The member's cut-off (the booking is already known to be their organisation's)."""
    return (
        booking.is_active
        and booking.start - datetime.timedelta(hours=booking.resource.cancel_notice_hours) > now
    )


def _booking_for_member_or_404(user, pk):
    booking = (
        _my_bookings(user)
        .select_related("created_by", "cancelled_by", "series")
        .prefetch_related("equipment_needed")
        .filter(pk=pk)
        .first()
    )
    if booking is None:
        raise Http404
    return booking


@login_required
@require_safe
def booking_detail(request, pk):
    booking = _booking_for_member_or_404(request.user, pk)
    now = timezone.now()
    return render(
        request,
        "rooms/booking_detail.html",
        {
            "booking": booking,
            "can_cancel": _member_can_cancel(booking, now),
            "cancel_form": CancelForm(),
            "history": booking.changes.select_related("user").order_by("created_at", "pk"),
        },
    )


@login_required
@require_POST
def booking_cancel(request, pk):
    booking = _booking_for_member_or_404(request.user, pk)
    form = CancelForm(request.POST)
    if form.is_valid():
        try:
            services.booking_cancel(
                booking=booking, user=request.user, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            message = " ".join(getattr(error, "messages", [])) or _("You cannot cancel it.")
            messages.error(request, message)
        else:
            if mail_failed():
                messages.warning(
                    request, _("Booking cancelled. We could not e-mail the confirmation just now.")
                )
            else:
                messages.success(
                    request, _("Booking cancelled. We have e-mailed the confirmation.")
                )
    else:
        # The field's own words: too long, a NUL byte, …
        messages.error(
            request,
            _("The reason could not be accepted: %(errors)s")
            % {"errors": " ".join(form.errors["reason"])},
        )
    return redirect(booking)


@login_required
@require_safe
def booking_ics(request, pk):
    booking = _booking_for_member_or_404(request.user, pk)
    return calendar_response(
        ics.booking_calendar(booking),
        filename=f"rezerwacja-{booking.pk}.ics",
        disposition="attachment",
    )


@login_required
@require_POST
def calendar_feed_manage(request, slug):
    """An organisation's administrator creates, renews (revokes the old address) or
    switches off the private calendar feed."""
    organization = get_organization_for_member_or_404(request.user, slug, admin_only=True)
    action = request.POST.get("action")
    if action == "delete":
        feed_services.calendar_feed_delete(organization=organization)
        messages.success(request, _("The private calendar address is switched off."))
    elif action in {"create", "renew"}:
        feed_services.calendar_feed_renew(organization=organization)
        messages.success(
            request,
            _("A new private calendar address is ready; the old one, if any, no longer works."),
        )
    return redirect("rooms:my_bookings")


@require_safe
def calendar_feed(request, token):
    """The private feed: the organisation's bookings with their details. The secret
    token in the address is the only key, so keep it out of logs and caches."""
    if not params.is_token(token):  # a NUL byte would reach PostgreSQL
        raise Http404
    feed = get_object_or_404(CalendarFeed.objects.select_related("organization"), token=token)
    since = timezone.now() - datetime.timedelta(days=FEED_PAST_DAYS)
    bookings = (
        Booking.objects.filter(organization=feed.organization, end__gte=since)
        .filter(Q(status__in=Booking.ACTIVE_STATUSES) | Q(status=Booking.Status.CANCELLED))
        .select_related("resource", "organization")
        .order_by("start")
    )
    response = calendar_response(
        ics.bookings_calendar(feed.organization.name, bookings, private=True)
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
