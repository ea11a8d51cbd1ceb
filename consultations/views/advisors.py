"""The advisor's own pages (/konto/doradztwo/): their appointments, marked and
annotated, and their weekly hours and exceptions.

Only a signed-in user linked to an advisor (`user.advisor`) gets here; everybody
else gets 404, and an advisor reaches only their own rows (another advisor's rule
is a 404 too). Staff work on every advisor in the admin instead. Marking and notes
go through `consultations.services.appointments`, which keeps the history; hours and exceptions
through `consultations.services.availability` (as in the admin).
"""

import datetime
import re

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from consultations.forms.advisors import (
    AvailabilityExceptionForm,
    AvailabilityRuleForm,
    NotesForm,
)
from consultations.models import Advisor, Appointment, AvailabilityException, AvailabilityRule
from consultations.services.availability import availability_save

UPCOMING_LIMIT = 100
RECENT_DAYS = 30
RECENT_LIMIT = 100
EXCEPTIONS_PAST_DAYS = 30
EXCEPTIONS_LIMIT = 100

MARKABLE = [
    Appointment.Status.CONFIRMED,
    Appointment.Status.ATTENDED,
    Appointment.Status.NO_SHOW,
]
UPCOMING_STATUSES = [
    Appointment.Status.HELD,
    Appointment.Status.CONFIRMED,
    Appointment.Status.CANCELLED,
]
RECENT_STATUSES = [*MARKABLE, Appointment.Status.CANCELLED]


def _advisor_or_404(user):
    advisor = Advisor.objects.filter(user_id=user.pk).first()
    if advisor is None:
        raise Http404
    return advisor


def _schedule_url(anchor=""):
    url = reverse("consultations:advisor_schedule")
    return f"{url}#{anchor}" if anchor else url


def _error_text(error, fallback):
    return " ".join(getattr(error, "messages", [])) or fallback


def _notes_prefix(appointment_pk):
    return f"appointment-{appointment_pk}"


def _phone_href(phone):
    """The number for a tel: link (digits and a leading +), or "" if none is left."""
    digits = re.sub(r"[^\d+]", "", phone or "")
    plus = digits.startswith("+")
    digits = digits.replace("+", "")
    return ("+" if plus else "") + digits if len(digits) >= 3 else ""


def _own_appointment_or_404(advisor, raw_pk):
    try:
        pk = int(raw_pk)
    except (TypeError, ValueError):
        raise Http404 from None
    appointment = Appointment.objects.filter(pk=pk, advisor=advisor).first()
    if appointment is None:
        raise Http404
    return appointment


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def advisor_schedule(request):
    from consultations.services import appointments as services

    advisor = _advisor_or_404(request.user)
    failed_notes = {}
    if request.method == "POST":
        appointment = _own_appointment_or_404(advisor, request.POST.get("appointment"))
        anchor = f"appointment-{appointment.pk}"
        action = request.POST.get("action")
        if action in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
            try:
                services.appointment_mark(appointment=appointment, status=action, user=request.user)
            except (ValidationError, PermissionDenied) as error:
                messages.error(request, _error_text(error, _("You cannot mark it.")))
            else:
                done = (
                    _("%(client)s: marked as attended.")
                    if action == Appointment.Status.ATTENDED
                    else _("%(client)s: marked as not attended.")
                )
                messages.success(request, done % {"client": appointment.client_name})
            return redirect(_schedule_url(anchor))
        if action == "notes":
            form = NotesForm(request.POST, prefix=_notes_prefix(appointment.pk))
            if form.is_valid():
                try:
                    services.appointment_set_notes(
                        appointment=appointment,
                        notes=form.cleaned_data["private_notes"],
                        user=request.user,
                    )
                except (ValidationError, PermissionDenied) as error:
                    messages.error(request, _error_text(error, _("The notes were not saved.")))
                else:
                    messages.success(
                        request,
                        _("%(client)s: notes saved.") % {"client": appointment.client_name},
                    )
                return redirect(_schedule_url(anchor))
            failed_notes[appointment.pk] = form
        else:
            messages.error(request, _("Choose what to do with the appointment."))
            return redirect(_schedule_url(anchor))

    now = timezone.now()
    appointments = Appointment.objects.filter(advisor=advisor).select_related(
        "topic", "organization", "room_booking__resource"
    )
    upcoming = list(
        appointments.filter(start__gte=now, status__in=UPCOMING_STATUSES).order_by("start", "pk")[
            :UPCOMING_LIMIT
        ]
    )
    recent = list(
        appointments.filter(
            start__lt=now,
            start__gte=now - datetime.timedelta(days=RECENT_DAYS),
            status__in=RECENT_STATUSES,
        ).order_by("-start", "-pk")[:RECENT_LIMIT]
    )
    for appointment in [*upcoming, *recent]:
        appointment.can_mark = appointment.start <= now and appointment.status in MARKABLE
        appointment.phone_href = _phone_href(appointment.client_phone)
        appointment.notes_form = failed_notes.get(appointment.pk) or NotesForm(
            prefix=_notes_prefix(appointment.pk),
            initial={"private_notes": appointment.private_notes},
        )
    shown = {appointment.pk for appointment in [*upcoming, *recent]}
    if any(pk not in shown for pk in failed_notes):  # (an old one, not on the page)
        messages.error(request, _("The notes were not saved."))
    rules = list(advisor.rules.select_related("room").order_by("weekday", "starts", "pk"))
    today = timezone.localdate()
    exceptions = list(
        advisor.exceptions.filter(date__gte=today - datetime.timedelta(days=EXCEPTIONS_PAST_DAYS))
        .select_related("room")
        .order_by("date", "starts", "pk")[:EXCEPTIONS_LIMIT]
    )
    return render(
        request,
        "consultations/advisor_schedule.html",
        {
            "advisor": advisor,
            "upcoming": upcoming,
            "recent": recent,
            "recent_days": RECENT_DAYS,
            "rules": rules,
            "exceptions": exceptions,
            "today": today,
            # A notes form with errors: the page's title says so (base.html).
            "form": next(iter(failed_notes.values()), None),
        },
    )


# --- Weekly hours ---------------------------------------------------------------------


def _save_row(request, advisor, form):
    """Save the form's rule or exception through the service (the advisor's row
    locked, checked against their rows as they are then); False, with the errors on
    the form, when it refused."""
    try:
        availability_save(advisor=advisor, user=request.user, save=[form.instance])
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)
        return False
    return True


def _rule_form_page(request, advisor, rule):
    form = AvailabilityRuleForm(request.POST or None, instance=rule, advisor=advisor)
    if request.method == "POST" and form.is_valid() and _save_row(request, advisor, form):
        messages.success(
            request,
            _("Hours added.") if rule is None else _("Hours saved."),
        )
        return redirect(_schedule_url("rules"))
    return render(
        request,
        "consultations/advisor_rule_form.html",
        {"form": form, "advisor": advisor, "rule": rule},
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def advisor_rule_create(request):
    advisor = _advisor_or_404(request.user)
    return _rule_form_page(request, advisor, None)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def advisor_rule_edit(request, pk):
    advisor = _advisor_or_404(request.user)
    rule = get_object_or_404(AvailabilityRule, pk=pk, advisor=advisor)
    return _rule_form_page(request, advisor, rule)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def advisor_rule_delete(request, pk):
    advisor = _advisor_or_404(request.user)
    rule = get_object_or_404(AvailabilityRule, pk=pk, advisor=advisor)
    if request.method == "POST":
        availability_save(advisor=advisor, user=request.user, delete=[rule])
        messages.success(
            request, _("Hours deleted. Appointments already booked in them stay booked.")
        )
        return redirect(_schedule_url("rules"))
    return render(
        request,
        "consultations/advisor_confirm_delete.html",
        {
            "advisor": advisor,
            "title": _("Delete these hours?"),
            "object_label": _rule_label(rule),
            "note": _("Appointments already booked in these hours stay booked."),
        },
    )


def _rule_label(rule):
    return f"{rule.get_weekday_display()}, {rule.starts:%H:%M}–{rule.ends:%H:%M}"


# --- Exceptions -----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def advisor_exception_create(request):
    advisor = _advisor_or_404(request.user)
    form = AvailabilityExceptionForm(request.POST or None, advisor=advisor)
    if request.method == "POST" and form.is_valid() and _save_row(request, advisor, form):
        messages.success(request, _("Exception added."))
        return redirect(_schedule_url("exceptions"))
    return render(
        request, "consultations/advisor_exception_form.html", {"form": form, "advisor": advisor}
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def advisor_exception_delete(request, pk):
    advisor = _advisor_or_404(request.user)
    exception = get_object_or_404(AvailabilityException, pk=pk, advisor=advisor)
    if request.method == "POST":
        availability_save(advisor=advisor, user=request.user, delete=[exception])
        messages.success(request, _("Exception deleted."))
        return redirect(_schedule_url("exceptions"))
    label = f"{exception.date:%Y-%m-%d}, {exception.get_kind_display()}"
    if exception.starts and exception.ends:
        label += f", {exception.starts:%H:%M}–{exception.ends:%H:%M}"
    return render(
        request,
        "consultations/advisor_confirm_delete.html",
        {
            "advisor": advisor,
            "title": _("Delete this exception?"),
            "object_label": label,
            "note": _("Appointments already booked stay booked."),
        },
    )
