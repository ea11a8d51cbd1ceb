"""Public pages of individual consultations (/konsultacje/): the offer, an advisor
with their free slots, the booking form, and the client's pages reached through
the signed link e-mailed to them (confirm, manage: cancel or move, calendar file).

The client's pages need no account: the signed token in the address is the key.
A tampered, unknown or expired token gets a friendly "not valid" page (404),
never an error. Clients' e-mail addresses and phone numbers never appear on a
page; the advisor's private notes never appear on the client's pages.
"""

from dataclasses import dataclass, field

from allauth.core import ratelimit
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from consultations import client_links
from consultations.forms.appointments import AppointmentForm, CancelForm, OfferFilterForm
from consultations.ics import appointments as ics
from consultations.models import Advisor, Appointment, ConsultationSettings, Mode, Topic
from consultations.services import appointments as services
from consultations.slots import (
    free_slots,
    group_by_day,
    nearest_free_slots,
    parse_start,
    slots_ahead,
)
from cwop_portal.dates import local
from cwop_portal.emails import mail_failed
from cwop_portal.ics import calendar_response
from rooms.services import bookings as room_services

NEXT_SLOTS = 5  # free slots shown per offer on the list
RATE_ACTION = "book_consultation"
DEFAULT_RATE = "10/h/ip"  # if settings.ACCOUNT_RATE_LIMITS has no "book_consultation"


@dataclass
class Offer:
    """What the list shows as one offer: a group of advisors, or one advisor."""

    slug: str
    name: str
    description: str
    advisors: list
    group: object = None
    slots: list = field(default_factory=list)  # the next few free slots
    free_count: int = 0  # all free slots in the listing's weeks

    @property
    def topics(self):
        seen, result = set(), []
        for advisor in self.advisors:
            for topic in advisor.active_topics:
                if topic.pk not in seen:
                    seen.add(topic.pk)
                    result.append(topic)
        return sorted(result, key=lambda topic: (topic.position, topic.name_pl))


def _active_topics():
    return Prefetch(
        "topics", queryset=Topic.objects.filter(is_active=True), to_attr="active_topics"
    )


def _offers(advisors):
    """Groups first (as one offer each, in name order), then advisors on their own."""
    groups, singles = {}, []
    for advisor in advisors:
        if advisor.group_id:
            group = advisor.group
            if group.pk not in groups:
                groups[group.pk] = Offer(group.slug, group.name, group.description, [], group)
            groups[group.pk].advisors.append(advisor)
        else:
            singles.append(Offer(advisor.slug, advisor.name, advisor.bio, [advisor]))
    return sorted(groups.values(), key=lambda offer: offer.name.lower()) + singles


@require_safe
def consultation_list(request):
    advisors = list(
        Advisor.objects.filter(is_active=True)
        .select_related("group")
        .prefetch_related(_active_topics())
        .order_by("name", "pk")
    )
    # The topics somebody consults on (from the advisors already read: no query).
    topics = sorted(
        {topic.pk: topic for advisor in advisors for topic in advisor.active_topics}.values(),
        key=lambda topic: (topic.position, topic.name_pl),
    )
    all_offers = _offers(advisors)
    form = OfferFilterForm(request.GET or None, topics=topics, offers=all_offers)
    chosen_topic = chosen = ""
    if form.is_bound and form.is_valid():
        chosen_topic = form.cleaned_data["temat"]
        chosen = form.cleaned_data["doradca"]
        raw = request.GET.get("doradca", "")
        if not chosen and any(advisor.slug == raw for advisor in advisors):
            # An advisor of a group, linked directly: that advisor alone.
            chosen = raw
    shown = advisors
    if chosen_topic:
        shown = [a for a in shown if any(t.slug == chosen_topic for t in a.active_topics)]
    offers = _offers(shown)
    if chosen:
        matching = [offer for offer in offers if offer.slug == chosen]
        if not matching:
            matching = [Offer(a.slug, a.name, a.bio, [a]) for a in shown if a.slug == chosen]
        offers = matching
    visible = [advisor for offer in offers for advisor in offer.advisors]
    slots = slots_ahead(advisors=visible)
    by_advisor = {}
    for slot in slots:
        by_advisor.setdefault(slot.advisor.pk, []).append(slot)
    for offer in offers:
        merged = sorted(
            (slot for advisor in offer.advisors for slot in by_advisor.get(advisor.pk, ())),
            key=lambda slot: (slot.start, slot.advisor.name),
        )
        offer.slots = merged[:NEXT_SLOTS]
        offer.free_count = len(merged)
    topic = next((t for t in topics if t.slug == chosen_topic), None)
    return render(
        request,
        "consultations/consultation_list.html",
        {
            "filter_form": form,
            "offers": offers,
            "topics": topics,
            "chosen_topic": topic,
            "is_filtered": bool(chosen_topic or chosen),
        },
    )


def _advisor_or_404(slug):
    return get_object_or_404(
        Advisor.objects.filter(is_active=True)
        .select_related("group")
        .prefetch_related(_active_topics()),
        slug=slug,
    )


@require_safe
def advisor_detail(request, slug):
    advisor = _advisor_or_404(slug)
    slots = slots_ahead(advisors=[advisor])
    topic_slug = request.GET.get("temat", "")
    if not any(topic.slug == topic_slug for topic in advisor.active_topics):
        topic_slug = ""
    return render(
        request,
        "consultations/consultation_advisor.html",
        {
            "advisor": advisor,
            "days": group_by_day(slots),
            "slot_count": len(slots),
            "topic_slug": topic_slug,
        },
    )


def _slot_at(advisor, start):
    if start is None:
        return None
    day = local(start).date()
    for slot in free_slots(advisors=[advisor], first_day=day, last_day=day):
        if slot.start == start:
            return slot
    return None


def _rate_limit_allows(request):
    """allauth's limiter, with our own default when the settings lack the action."""
    configured = getattr(settings, "ACCOUNT_RATE_LIMITS", {})
    if configured is False:
        return True
    if RATE_ACTION in configured:
        return ratelimit.consume(request, action=RATE_ACTION)
    from allauth.core.internal import ratelimit as internal

    usage = internal.consume(
        request, app="allauth.account", action=RATE_ACTION, config={RATE_ACTION: DEFAULT_RATE}
    )
    return bool(usage)


@require_http_methods(["GET", "HEAD", "POST"])
def appointment_book(request, slug):
    advisor = _advisor_or_404(slug)
    topics = advisor.active_topics
    organizations = list(room_services.bookable_organizations(request.user))
    user = request.user if request.user.is_authenticated else None
    context = {"advisor": advisor, "hold_minutes": None}
    if request.method != "POST":
        start = parse_start(request.GET.get("start"))
        slot = _slot_at(advisor, start)
        if slot is None:
            after = start or timezone.now()
            context.update(
                requested=start,
                nearest=nearest_free_slots(advisors=[advisor], after=after),
                topic_slug=request.GET.get("temat", ""),
            )
            return render(request, "consultations/appointment_choose.html", context)
        initial = {"start": slot.param}
        if any(topic.slug == request.GET.get("temat") for topic in topics):
            initial["topic"] = request.GET["temat"]
        form = AppointmentForm(
            initial=initial,
            advisor=advisor,
            topics=topics,
            organizations=organizations,
            user=user,
            by_phone=slot.mode == Mode.PHONE,
        )
        context.update(form=form, slot=slot)
        return render(request, "consultations/appointment_form.html", context)

    posted_slot = _slot_at(advisor, parse_start(request.POST.get("start")))
    form = AppointmentForm(
        request.POST,
        advisor=advisor,
        topics=topics,
        organizations=organizations,
        user=user,
        by_phone=posted_slot is not None and posted_slot.mode == Mode.PHONE,
    )
    status = 200
    if form.is_bot:
        # Pretend it worked; a bot learns nothing and nothing is booked.
        return _held_page(request, advisor)
    if form.is_valid():
        if _rate_limit_allows(request):
            try:
                appointment = services.appointment_book(
                    **form.service_arguments(request.user), language=get_language()
                )
            except ValidationError as error:
                form.add_service_error(error)
                context["nearest"] = getattr(error, "nearest", None)
            else:
                if appointment.status != Appointment.Status.HELD:
                    if mail_failed("appointment_confirmed"):
                        messages.warning(
                            request, _details_not_emailed(_("The consultation is booked."))
                        )
                    else:
                        messages.success(
                            request,
                            _("The consultation is booked. We have e-mailed you the details."),
                        )
                    return redirect(client_links.manage_path(appointment))
                if not mail_failed("appointment_hold"):
                    return _held_page(request, advisor, appointment)
                # Without the e-mail the client cannot confirm: the time is freed
                # at once, and they may try again with what they wrote.
                services.appointment_hold_release(appointment=appointment)
                form.add_error(
                    None,
                    _(
                        "We could not send the e-mail with the confirmation link just now, so "
                        "the consultation has not been booked and the time is free again. "
                        "Please try again in a few minutes (what you wrote is still in the "
                        "form below) or phone the centre."
                    ),
                )
        else:
            context["rate_limited"] = True
            status = 429
    start = parse_start(request.POST.get("start"))
    context.update(
        form=form,
        slot=None if context.get("nearest") is not None else _slot_at(advisor, start),
        requested=start,
    )
    return render(request, "consultations/appointment_form.html", context, status=status)


def _details_not_emailed(done):
    """`done` ("The consultation is booked.") and that its e-mail failed."""
    return " ".join(
        [
            done,
            _(
                "We could not e-mail you the details just now: they are on this page. Keep "
                "its address (e.g. as a bookmark) to cancel or move the appointment."
            ),
        ]
    )


def _held_page(request, advisor, appointment=None):
    settings_row = ConsultationSettings.load()
    return render(
        request,
        "consultations/appointment_held.html",
        {
            "advisor": advisor,
            "appointment": appointment,
            "hold_minutes": settings_row.hold_minutes,
        },
    )


# --- The client's pages (signed link) ------------------------------------------------


def _private(response):
    """The address holds the key: keep the page out of caches and search engines."""
    response["Cache-Control"] = "private, no-store"
    response["X-Robots-Tag"] = "noindex"
    return response


def _invalid_link(request):
    return _private(render(request, "consultations/appointment_invalid_link.html", status=404))


@require_http_methods(["GET", "HEAD", "POST"])
def appointment_confirm(request, token):
    appointment = client_links.read_client_token(token)
    if appointment is None:
        return _invalid_link(request)
    error = None
    if request.method == "POST":
        try:
            appointment = services.appointment_confirm_email(appointment=appointment)
        except ValidationError as exc:
            error = " ".join(exc.messages)
            appointment.refresh_from_db()
        else:
            if mail_failed("appointment_confirmed"):
                messages.warning(
                    request,
                    _details_not_emailed(_("Thank you: the consultation is confirmed.")),
                )
            else:
                messages.success(
                    request,
                    _(
                        "Thank you: the consultation is confirmed. We have e-mailed you the "
                        "details."
                    ),
                )
            return redirect(client_links.manage_path(appointment))
    now = timezone.now()
    state = appointment.status
    if state == Appointment.Status.HELD and appointment.held_until <= now:
        state = Appointment.Status.EXPIRED
    return _private(
        render(
            request,
            "consultations/appointment_confirm.html",
            {
                "appointment": appointment,
                "state": state,
                "error": error,
                "manage_url": client_links.manage_path(appointment),
                "how": ics.how(appointment),
                **_moved_context(appointment),
            },
        )
    )


def _moved_context(appointment):
    """Where the client moved a cancelled appointment to (the link in an older
    e-mail still opens the old time)."""
    new = services.moved_to(appointment)
    return {"moved_to": new, "moved_to_url": client_links.manage_path(new) if new else None}


@require_http_methods(["GET", "HEAD", "POST"])
def appointment_manage(request, token):
    appointment = client_links.read_client_token(token)
    if appointment is None:
        return _invalid_link(request)
    if request.method == "POST":
        return _manage_action(request, appointment, token)
    settings_row = ConsultationSettings.load()
    now = timezone.now()
    stale = appointment.status == Appointment.Status.HELD and appointment.held_until <= now
    can_change = not stale and services.client_can_cancel(appointment, now, settings_row)
    days = []
    if can_change and appointment.status == Appointment.Status.CONFIRMED:
        slots = [
            slot
            for slot in slots_ahead(advisors=[appointment.advisor], now=now)
            if slot.start != appointment.start
        ]
        days = group_by_day(slots)
    return _private(
        render(
            request,
            "consultations/appointment_manage.html",
            {
                "appointment": appointment,
                "token": token,
                "how": ics.how(appointment),
                "can_change": can_change,
                "is_held": appointment.status == Appointment.Status.HELD and not stale,
                "is_stale": stale,
                "cut_off_hours": settings_row.cancel_notice_hours,
                "cancel_form": CancelForm(),
                "days": days,
                **_moved_context(appointment),
            },
        )
    )


def _manage_action(request, appointment, token):
    action = request.POST.get("action")
    here = reverse("consultations:appointment_manage", args=[token])
    if action == "cancel":
        form = CancelForm(request.POST)
        if not form.is_valid():
            # The field's own words: too long, a NUL byte, …
            messages.error(
                request,
                _("The reason could not be accepted: %(errors)s")
                % {"errors": " ".join(form.errors["reason"])},
            )
            return redirect(here)
        try:
            services.appointment_cancel(
                appointment=appointment, by_client=True, reason=form.cleaned_data["reason"]
            )
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [])))
        else:
            if mail_failed("appointment_cancelled"):
                messages.warning(
                    request,
                    _(
                        "The consultation is cancelled. We could not e-mail the confirmation "
                        "just now."
                    ),
                )
            else:
                messages.success(
                    request, _("The consultation is cancelled. We have e-mailed the confirmation.")
                )
        return redirect(here)
    if action == "reschedule":
        new_start = parse_start(request.POST.get("start"))
        if new_start is None:
            messages.error(request, _("Choose a time from the list of free slots."))
            return redirect(here)
        try:
            new = services.appointment_reschedule(appointment=appointment, new_start=new_start)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(here)
        if mail_failed("appointment_confirmed"):
            messages.warning(
                request, _details_not_emailed(_("The consultation is moved to the new time."))
            )
        else:
            messages.success(
                request,
                _("The consultation is moved to the new time. We have e-mailed you the details."),
            )
        return redirect(client_links.manage_path(new))
    messages.error(request, _("Choose what to do."))
    return redirect(here)


@require_safe
def appointment_ics(request, token):
    appointment = client_links.read_client_token(token)
    if appointment is None:
        return _invalid_link(request)
    content = ics.appointment_calendar(appointment, language=get_language())
    return _private(
        calendar_response(
            content, filename=f"konsultacja-{appointment.pk}.ics", disposition="attachment"
        )
    )
