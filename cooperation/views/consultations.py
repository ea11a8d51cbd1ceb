"""Public consultations as residents and NGO members see them: the list, the act with
its provisions (the remark form while it takes remarks, the remarks once the deadline
has passed), the member's remarks (change, withdraw), the calendars, the RSS feed and
the member's e-mail settings.

Drafts are nobody's page here (staff preview them in the admin)."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.syndication.views import Feed
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, Count, IntegerField, Prefetch, Q, Value, When
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from icalendar import Event

from cooperation.forms.remarks import ConsultationAlertsForm, ConsultationFilterForm, RemarkForm
from cooperation.models import AlertOptOut, ConsultationMeeting, PublicConsultation, Remark
from cooperation.services import alerts as alert_services
from cooperation.services import remarks as services
from cwop_portal import ics
from cwop_portal.emails import mail_failed
from cwop_portal.views import download_response
from organizations.models import FieldOfActivity, Membership, Organization

PAGE_SIZE = 20
FEED_SIZE = 30
CALENDAR_PAST = datetime.timedelta(days=365)


# --- The list ----------------------------------------------------------------------------


def _phase_rank(now):
    """0 open, 1 upcoming, 2 closed or reported: the list's order."""
    return Case(
        When(status=PublicConsultation.Status.OPEN, start__lte=now, end__gt=now, then=Value(0)),
        When(status=PublicConsultation.Status.OPEN, start__gt=now, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )


def listed_consultations(now):
    """Public consultations, open first (the nearest deadline first), then upcoming
    (the nearest start first), then closed and reported (the latest first)."""
    return (
        PublicConsultation.objects.public()
        .annotate(
            rank=_phase_rank(now),
            remark_count=Count("remarks", filter=Q(remarks__status=Remark.Status.ACTIVE)),
        )
        .prefetch_related(
            Prefetch("fields_of_activity", queryset=FieldOfActivity.objects.order_by("position"))
        )
        .order_by(
            "rank",
            Case(When(rank=0, then="end"), default=None).asc(nulls_last=True),
            Case(When(rank=1, then="start"), default=None).asc(nulls_last=True),
            "-end",
            "-pk",
        )
    )


@require_safe
def public_consultation_list(request):
    now = timezone.now()
    form = ConsultationFilterForm(request.GET)
    form.is_valid()  # always valid: invalid values are dropped, not reported
    consultations = form.filter(listed_consultations(now), now)
    paginator = Paginator(consultations, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    for consultation in page.object_list:
        consultation.current_phase = consultation.phase_at(now)
    return render(
        request,
        "cooperation/consultations/list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


# --- One consultation --------------------------------------------------------------------


def _public_consultation(slug):
    return get_object_or_404(PublicConsultation.objects.public(), slug=slug)


def _preselected_provision(request, provisions):
    value = request.GET.get("przepis", "")
    if value.isdigit() and len(value) < 12:
        pk = int(value)
        if any(provision.pk == pk for provision in provisions):
            return pk
    return ""


def _detail(request, consultation, *, form=None, status=200):
    now = timezone.now()
    phase = consultation.phase_at(now)
    provisions = list(consultation.provisions.order_by("position", "pk"))
    meetings = list(consultation.meetings.select_related("room").order_by("start", "pk"))
    fields = list(consultation.fields_of_activity.order_by("position", "name_pl"))
    user = request.user
    is_open = phase == PublicConsultation.Phase.OPEN
    organizations = services.remark_organizations(user) if is_open else []
    may_remark = (
        is_open
        and user.is_authenticated
        and (bool(organizations) or consultation.residents_may_remark)
    )
    own_remarks = []
    if is_open and user.is_authenticated:
        own_remarks = list(
            consultation.remarks.filter(status=Remark.Status.ACTIVE)
            .filter(
                Q(author=user)
                | Q(organization__in=[organization.pk for organization in organizations])
            )
            .select_related("provision")
            .order_by("provision__position", "created_at", "pk")
        )
    if may_remark and form is None:
        form = RemarkForm(
            provisions=provisions,
            organizations=organizations,
            residents_may_remark=consultation.residents_may_remark,
            initial={"provision": _preselected_provision(request, provisions)},
        )
    general_remarks = []
    shows_remarks = phase in (PublicConsultation.Phase.CLOSED, PublicConsultation.Phase.REPORTED)
    if shows_remarks:
        by_provision = {}
        for remark in consultation.remarks.filter(status=Remark.Status.ACTIVE).order_by(
            "created_at", "pk"
        ):
            if remark.provision_id is None:
                general_remarks.append(remark)
            else:
                by_provision.setdefault(remark.provision_id, []).append(remark)
        for provision in provisions:
            provision.public_remarks = by_provision.get(provision.pk, [])
    return render(
        request,
        "cooperation/consultations/detail.html",
        {
            "consultation": consultation,
            "phase": phase,
            "is_open": is_open,
            "provisions": provisions,
            "meetings": meetings,
            "fields": fields,
            "form": form if may_remark else None,
            "own_remarks": own_remarks,
            "shows_remarks": shows_remarks,
            "general_remarks": general_remarks,
            "is_reported": phase == PublicConsultation.Phase.REPORTED,
        },
        status=status,
    )


@require_safe
def public_consultation_detail(request, slug):
    return _detail(request, _public_consultation(slug))


@require_safe
def public_consultation_file(request, slug, filename):
    consultation = _public_consultation(slug)
    if not consultation.file:
        return redirect(consultation)
    if filename != consultation.download_name:
        return redirect(
            "cooperation:public_consultation_file",
            slug=consultation.slug,
            filename=consultation.download_name,
            permanent=True,
        )
    return download_response(consultation)


# --- Remarks -----------------------------------------------------------------------------


@login_required
@require_POST
def remark_create(request, slug):
    consultation = _public_consultation(slug)
    provisions = list(consultation.provisions.order_by("position", "pk"))
    organizations = services.remark_organizations(request.user)
    form = RemarkForm(
        request.POST,
        provisions=provisions,
        organizations=organizations,
        residents_may_remark=consultation.residents_may_remark,
    )
    if not consultation.is_accepting_remarks():
        messages.error(request, _("The deadline for remarks has passed: your remark was not sent."))
        return redirect(consultation)
    if form.is_valid():
        try:
            remark = services.remark_create(
                consultation=consultation,
                user=request.user,
                organization=form.chosen_organization(),
                provision=form.cleaned_data["provision"],
                proposed_wording=form.cleaned_data["proposed_wording"],
                justification=form.cleaned_data["justification"],
            )
        except services.ProvisionNotInConsultation:
            return HttpResponseBadRequest(_("This provision is not part of this consultation."))
        except ValidationError as error:
            if error.code == "closed":
                messages.error(request, error.messages[0])
                return redirect(consultation)
            form.add_error(None, error)
        else:
            _say_sent(request, remark)
            return redirect(
                reverse("cooperation:public_consultation_detail", args=[slug]) + "#own-remarks"
            )
    return _detail(request, consultation, form=form)


def _say_sent(request, remark):
    if mail_failed("cooperation_remark_sent"):
        messages.warning(
            request,
            _(
                "Your remark has been sent and saved, but the e-mail with its copy could not "
                "be sent just now. You can see the remark on this page."
            ),
        )
    else:
        messages.success(
            request,
            _("Your remark has been sent. We have e-mailed you a copy to %(email)s.")
            % {"email": request.user.email},
        )


def _own_remark(request, slug, pk):
    consultation = _public_consultation(slug)
    remark = get_object_or_404(
        Remark.objects.select_related("provision", "consultation"), pk=pk, consultation=consultation
    )
    if not services.can_change(remark, request.user):
        raise Http404
    return consultation, remark


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def remark_update(request, slug, pk):
    consultation, remark = _own_remark(request, slug, pk)
    can_edit = remark.is_active and consultation.is_accepting_remarks()
    provisions = list(consultation.provisions.order_by("position", "pk"))
    if request.method == "POST" and can_edit:
        form = RemarkForm(request.POST, provisions=provisions)
        if form.is_valid():
            try:
                services.remark_update(
                    remark=remark,
                    user=request.user,
                    provision=form.cleaned_data["provision"],
                    proposed_wording=form.cleaned_data["proposed_wording"],
                    justification=form.cleaned_data["justification"],
                )
            except services.ProvisionNotInConsultation:
                return HttpResponseBadRequest(_("This provision is not part of this consultation."))
            except ValidationError as error:
                if error.code == "closed":
                    messages.error(request, error.messages[0])
                    return redirect(consultation)
                form.add_error(None, error)
            else:
                messages.success(request, _("Your remark has been changed."))
                return redirect(
                    reverse("cooperation:public_consultation_detail", args=[slug]) + "#own-remarks"
                )
    elif request.method == "POST":
        messages.error(request, _("This remark can no longer be changed."))
        return redirect(consultation)
    else:
        form = RemarkForm(
            provisions=provisions,
            initial={
                "provision": remark.provision_id or "",
                "proposed_wording": remark.proposed_wording,
                "justification": remark.justification,
            },
        )
    return render(
        request,
        "cooperation/consultations/remark_form.html",
        {
            "consultation": consultation,
            "remark": remark,
            "form": form if can_edit else None,
            "provisions": provisions,
        },
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def remark_withdraw(request, slug, pk):
    consultation, remark = _own_remark(request, slug, pk)
    can_withdraw = remark.is_active and consultation.is_accepting_remarks()
    if request.method == "POST":
        try:
            services.remark_withdraw(remark=remark, user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Your remark has been withdrawn."))
        return redirect(
            reverse("cooperation:public_consultation_detail", args=[slug]) + "#own-remarks"
        )
    return render(
        request,
        "cooperation/consultations/remark_withdraw.html",
        {"consultation": consultation, "remark": remark, "can_withdraw": can_withdraw},
    )


# --- Calendars and the feed --------------------------------------------------------------


def _meeting_url(consultation):
    return settings.SITE_URL + consultation.get_absolute_url()


def meeting_location(meeting):
    if meeting.room_id:
        return _("%(resource)s, NGO Cooperation Centre, Białystok") % {
            "resource": meeting.room.name
        }
    return meeting.place


def _meeting_event(meeting, consultation):
    event = ics.new_event(
        uid=f"public-consultation-meeting-{meeting.pk}",
        start=meeting.start,
        end=meeting.end,
        last_modified=consultation.updated_at,
        sequence=ics.sequence(consultation.created_at, consultation.updated_at, 0),
    )
    event.add("summary", _("Open meeting: %(title)s") % {"title": consultation.title})
    place = meeting_location(meeting)
    if place:
        event.add("location", place)
    if meeting.description:
        event.add("description", meeting.description)
    event.add("url", _meeting_url(consultation))
    event.add("status", "CONFIRMED")
    return event


def _deadline_event(consultation):
    """The deadline as an all-day event on its day (the time is in the description)."""
    day = timezone.localtime(consultation.end).date()
    event = Event()
    event.add("uid", f"public-consultation-deadline-{consultation.pk}@{ics.host()}")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", day)
    event.add("dtend", day + datetime.timedelta(days=1))
    event.add("last-modified", consultation.updated_at)
    event.add("sequence", ics.sequence(consultation.created_at, consultation.updated_at, 0))
    event.add("summary", _("Deadline for remarks: %(title)s") % {"title": consultation.title})
    event.add(
        "description",
        _("Remarks are taken until %(time)s.")
        % {"time": timezone.localtime(consultation.end).strftime("%Y-%m-%d %H:%M")},
    )
    event.add("url", _meeting_url(consultation))
    event.add("transp", "TRANSPARENT")
    return event


@require_safe
def consultation_meeting_ics(request, slug, pk):
    consultation = _public_consultation(slug)
    meeting = get_object_or_404(
        ConsultationMeeting.objects.select_related("room"), pk=pk, consultation=consultation
    )
    calendar = ics.new_calendar(_("Public consultations – NGO Cooperation Centre"))
    calendar.add_component(_meeting_event(meeting, consultation))
    return ics.calendar_response(
        calendar.to_ical(), filename=f"spotkanie-{meeting.pk}.ics", disposition="attachment"
    )


@require_safe
def public_consultation_calendar(request):
    since = timezone.now() - CALENDAR_PAST
    consultations = list(
        PublicConsultation.objects.public()
        .filter(end__gte=since)
        .prefetch_related(
            Prefetch(
                "meetings",
                queryset=ConsultationMeeting.objects.select_related("room").order_by("start"),
            )
        )
        .order_by("end", "pk")
    )
    calendar = ics.new_calendar(_("Public consultations – NGO Cooperation Centre"))
    for consultation in consultations:
        calendar.add_component(_deadline_event(consultation))
        for meeting in consultation.meetings.all():
            calendar.add_component(_meeting_event(meeting, consultation))
    return ics.calendar_response(calendar.to_ical(), filename="konsultacje-spoleczne.ics")


class PublicConsultationFeed(Feed):
    """The newest public consultations (announced ones, newest first)."""

    def title(self):
        return _("Public consultations – NGO Cooperation Centre in Białystok")

    def link(self):
        return reverse("cooperation:public_consultation_list")

    def description(self):
        return _(
            "Draft acts of the City of Białystok consulted with non-governmental organisations."
        )

    def feed_url(self):
        return reverse("cooperation:public_consultation_feed")

    def items(self):
        return PublicConsultation.objects.public().order_by("-start", "-pk")[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return _("%(office)s. Remarks from %(start)s until %(end)s.") % {
            "office": item.office,
            "start": timezone.localtime(item.start).strftime("%Y-%m-%d %H:%M"),
            "end": timezone.localtime(item.end).strftime("%Y-%m-%d %H:%M"),
        }

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.opened_at or item.start

    def item_updateddate(self, item):
        return item.updated_at


public_consultation_feed = require_safe(PublicConsultationFeed())


# --- The member's e-mail settings --------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def consultation_alerts(request):
    organizations = list(
        Organization.objects.filter(
            memberships__user=request.user, memberships__status=Membership.Status.ACTIVE
        ).order_by("name", "pk")
    )
    opted_out = set(
        AlertOptOut.objects.filter(user=request.user).values_list("organization_id", flat=True)
    )
    data = request.POST if request.method == "POST" else None
    form = ConsultationAlertsForm(data, organizations=organizations, opted_out=opted_out)
    if request.method == "POST" and form.is_valid():
        for organization, receive in form.choices():
            try:
                alert_services.alert_opt_out_set(
                    user=request.user, organization=organization, receive=receive
                )
            except ValidationError:
                continue  # no longer a member meanwhile: nothing to set
        messages.success(request, _("Your e-mail settings have been saved."))
        return redirect("cooperation:consultation_alerts")
    return render(
        request,
        "cooperation/consultations/alerts.html",
        {"form": form, "organizations": organizations},
    )
