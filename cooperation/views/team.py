"""The NGO Consultation Team's public page, its contact (relay) form, its meetings'
documents and calendar files. E-mail addresses of members are never shown."""

from allauth.core import ratelimit
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_safe

from cooperation.forms.team import TeamContactForm
from cooperation.models import TeamMeeting, TeamMeetingDocument, TeamMember
from cooperation.services import team as services
from cwop_portal import ics
from cwop_portal.emails import mail_failed
from cwop_portal.models import SiteSettings
from cwop_portal.views import download_response
from organizations.models import Organization

PAST_PAGE = 20
# The relay forms of the portal share one limit per connection (settings.ACCOUNT_RATE_LIMITS).
RATE_LIMIT_ACTION = "contact_organization"


def _meetings():
    documents = TeamMeetingDocument.objects.order_by("kind", "title", "pk")
    return TeamMeeting.objects.select_related("room").prefetch_related(
        Prefetch("documents", queryset=documents)
    )


@require_safe
def team(request):
    members = list(
        services.serving_members().select_related("organization").order_by("position", "name", "pk")
    )
    for member in members:
        organization = member.organization
        member.profile_url = (
            organization.get_absolute_url()
            if organization is not None and organization.status == Organization.Status.PUBLISHED
            else ""
        )
    sides = [
        (value, label, [m for m in members if m.side == value])
        for value, label in TeamMember.Side.choices
    ]
    now = timezone.now()
    upcoming = list(_meetings().filter(end__gte=now).order_by("start", "pk"))
    paginator = Paginator(_meetings().filter(end__lt=now).order_by("-start", "-pk"), PAST_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(
        request,
        "cooperation/team/team.html",
        {
            "sides": [side for side in sides if side[2]],
            "has_members": bool(members),
            "upcoming": upcoming,
            "page_obj": page,
            "past": page.object_list,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
            "centre": SiteSettings.load(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def team_contact(request):
    can_be_contacted = bool(services.team_message_recipients())
    if request.method != "POST" and not can_be_contacted:
        # Nobody would read a message: say so instead of offering the form.
        return render(
            request,
            "cooperation/team/contact.html",
            {"form": None, "rate_limited": False, "centre": SiteSettings.load()},
        )
    form = TeamContactForm(request.POST if request.method == "POST" else None)
    status = 200
    rate_limited = False
    if request.method == "POST":
        if form.is_bot:
            # Pretend it worked; a bot learns nothing and nothing is sent.
            return _sent(request)
        if form.is_valid():
            if ratelimit.consume(request, action=RATE_LIMIT_ACTION, key="team"):
                try:
                    services.team_message_send(
                        sender_name=form.cleaned_data["name"],
                        sender_email=form.cleaned_data["email"],
                        body=form.cleaned_data["message"],
                    )
                except ValidationError as exc:
                    form.add_error(None, exc)
                else:
                    return _sent(request)
            else:
                rate_limited = True
                status = 429
    return render(
        request,
        "cooperation/team/contact.html",
        {"form": form, "rate_limited": rate_limited, "centre": SiteSettings.load()},
        status=status,
    )


def _sent(request):
    if mail_failed():
        messages.warning(
            request,
            _(
                "Your message to the Consultation Team has been saved, but the e-mail could "
                "not be sent just now. The centre's staff will see your message in the "
                "portal and pass it on; the team will reply to the e-mail address you gave."
            ),
        )
    else:
        messages.success(
            request,
            _(
                "Your message has been sent to the Consultation Team. "
                "The team will reply to the e-mail address you gave."
            ),
        )
    return redirect(reverse("cooperation:team"))


@require_GET
def team_document(request, pk, filename):
    document = get_object_or_404(TeamMeetingDocument, pk=pk)
    if filename != document.download_name:
        return redirect(
            reverse("cooperation:team_document", args=[document.pk, document.download_name]),
            permanent=True,
        )
    return download_response(document)


@require_GET
def team_meeting_ics(request, pk):
    meeting = get_object_or_404(
        TeamMeeting.objects.select_related("room").annotate(
            change_count=Count("changes"), last_change=Max("changes__created_at")
        ),
        pk=pk,
    )
    title = _("Meeting of the NGO Consultation Team")
    calendar = ics.new_calendar(title)
    last_modified = meeting.last_change or meeting.start
    event = ics.new_event(
        uid=f"team-meeting-{meeting.pk}",
        start=meeting.start,
        end=meeting.end,
        last_modified=last_modified,
        sequence=meeting.change_count,
    )
    event.add("summary", title)
    place = [meeting.room.name] if meeting.room_id else []
    if meeting.place:
        place.append(meeting.place)
    if place:
        event.add("location", ", ".join(place))
    if meeting.agenda:
        event.add("description", meeting.agenda)
    event.add("url", request.build_absolute_uri(reverse("cooperation:team")))
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    organizer = ics.organizer()
    if organizer:
        event.add("organizer", organizer)
    calendar.add_component(event)
    return ics.calendar_response(
        calendar.to_ical(), filename=f"zespol-konsultacyjny-{meeting.pk}.ics"
    )
