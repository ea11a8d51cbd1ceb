"""The NGO Consultation Team in the admin: members, meetings with their documents,
and the messages sent to the team (read only).

Members and meetings are saved through `cooperation.services.team`: a meeting's
room is booked for the centre (a room taken then is an error on the room field,
and nothing is saved, its new documents neither); cancelling (with a reason) and
deleting a meeting free its room.
"""

from django import forms
from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cooperation.models import TeamContactMessage, TeamMeeting, TeamMeetingDocument, TeamMember
from cooperation.services import team as services
from cwop_portal.admin_helpers import (
    DateFilter,
    HistoryAdminMixin,
    ServiceActionsMixin,
    ServiceDeletionMixin,
    ServiceRefusalMixin,
    ask_reason,
)
from cwop_portal.dates import format_short_datetime


def _add_problems(form, problems):
    for name, messages in problems.items():
        if name in form.fields and name not in form.errors:
            form.add_error(name, messages)
        elif name not in form.fields:
            form.add_error(None, messages)


class TeamMemberForm(forms.ModelForm):
    """The member's data, its problems named on their fields (the service checks
    them again)."""

    class Meta:
        model = TeamMember
        fields = [
            "name",
            "role",
            "side",
            "position",
            "organization",
            "affiliation",
            "term_start",
            "term_end",
            "email",
            "receives_messages",
            "is_demo",
        ]

    def clean(self):
        cleaned = super().clean()
        probe = TeamMember(
            name=cleaned.get("name") or "",
            term_start=cleaned.get("term_start"),
            term_end=cleaned.get("term_end"),
            email=cleaned.get("email") or "",
            receives_messages=bool(cleaned.get("receives_messages")),
            affiliation=cleaned.get("affiliation") or "",
            organization=cleaned.get("organization"),
        )
        problems = services.team_member_problems(probe)
        if "term_start" in self.errors:
            problems.pop("term_end", None)
        _add_problems(self, problems)
        return cleaned


@admin.register(TeamMember)
class TeamMemberAdmin(HistoryAdminMixin, ServiceRefusalMixin, admin.ModelAdmin):
    form = TeamMemberForm
    records_admin_saves = False  # team_member_save records
    list_display = [
        "name",
        "role",
        "side",
        "represents_display",
        "term_start",
        "term_end",
        "serving",
        "receives_messages",
    ]
    list_filter = ["side", "role", "receives_messages", "is_demo"]
    search_fields = ["name", "affiliation", "organization__name"]
    list_select_related = ["organization"]
    autocomplete_fields = ["organization"]
    fieldsets = (
        (None, {"fields": ("name", "role", "side", "position")}),
        (_("Organisation or office"), {"fields": ("organization", "affiliation")}),
        (_("Term"), {"fields": ("term_start", "term_end")}),
        (
            _("Messages to the team"),
            {
                "description": _(
                    "Messages sent through the team's contact form go to the members "
                    "serving now who receive them; without any, to the centre's e-mail "
                    "address from the site settings. The address is never shown on the site."
                ),
                "fields": ("email", "receives_messages"),
            },
        ),
        (_("Demo data"), {"fields": ("is_demo",)}),
    )

    @admin.display(description=_("organisation or city office"))
    def represents_display(self, obj):
        return obj.represents

    @admin.display(boolean=True, description=_("serving now"))
    def serving(self, obj):
        return obj.is_serving()

    def save_model(self, request, obj, form, change):
        services.team_member_save(member=obj, user=request.user)


class TeamMeetingDocumentInline(admin.TabularInline):
    """The meeting's documents (agenda, minutes…), published on the team's page;
    checked like every document (type, content, size)."""

    model = TeamMeetingDocument
    fields = ["kind", "title", "file", "size"]
    readonly_fields = ["size"]
    extra = 0

    @admin.display(description=_("size in bytes"))
    def size(self, obj):
        return obj.file_size if obj and obj.pk else ""


class TeamMeetingForm(forms.ModelForm):
    """A meeting: its end after its start, its room free then, on the fields
    (the service books the room with the room locked)."""

    class Meta:
        model = TeamMeeting
        fields = ["start", "end", "room", "place", "agenda_pl", "agenda_en", "is_demo"]

    def clean(self):
        cleaned = super().clean()
        probe = TeamMeeting(
            pk=self.instance.pk,
            start=cleaned.get("start"),
            end=cleaned.get("end"),
            room=cleaned.get("room"),
            room_booking_id=self.instance.room_booking_id,
            is_cancelled=self.instance.is_cancelled,
        )
        if "start" not in self.errors and "end" not in self.errors:
            _add_problems(self, services.team_meeting_problems(probe))
        return cleaned


class TeamMeetingDateFilter(DateFilter):
    offers_upcoming = True


@admin.register(TeamMeeting)
class TeamMeetingAdmin(
    HistoryAdminMixin, ServiceDeletionMixin, ServiceActionsMixin, admin.ModelAdmin
):
    form = TeamMeetingForm
    records_admin_saves = False  # team_meeting_save records
    inlines = [TeamMeetingDocumentInline]
    list_display = ["when", "room", "place", "is_cancelled", "document_count"]
    list_filter = [TeamMeetingDateFilter, "is_cancelled", "room", "is_demo"]
    list_select_related = ["room"]
    search_fields = ["place", "agenda_pl", "agenda_en"]
    readonly_fields = ["is_cancelled", "room_booking_display"]
    actions = ["cancel"]
    date_hierarchy = "start"
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "Saving books the chosen room of the centre for the meeting (or moves "
                    "its booking); a room taken at that time is refused. Cancel a meeting "
                    "with the action of the list of meetings: its room is freed."
                ),
                "fields": ("start", "end", "room", "place"),
            },
        ),
        (_("Agenda"), {"fields": ("agenda_pl", "agenda_en")}),
        (_("State"), {"fields": ("is_cancelled", "room_booking_display", "is_demo")}),
    )

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("room", "room_booking__resource")
            .annotate(document_total=Count("documents"))
        )

    @admin.display(description=_("when"), ordering="start")
    def when(self, obj):
        return format_short_datetime(obj.start)

    @admin.display(description=_("documents"), ordering="document_total")
    def document_count(self, obj):
        return obj.document_total

    @admin.display(description=_("room booking"))
    def room_booking_display(self, obj):
        booking = obj.room_booking if obj and obj.room_booking_id else None
        if booking is None:
            return "—"
        state = booking.get_status_display()
        return f"{booking.resource}, {format_short_datetime(booking.start)} ({state})"

    def save_model(self, request, obj, form, change):
        services.team_meeting_save(meeting=obj, user=request.user)

    def delete_with_service(self, request, obj):
        services.team_meeting_delete(meeting=obj, user=request.user)

    def call_service(self, service, obj, user, **kwargs):
        return service(meeting=obj, user=user, **kwargs)

    @admin.action(description=_("Cancel selected meetings (frees their rooms)"))
    def cancel(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset,
            services.team_meeting_cancel,
            lambda n: (
                ngettext("%(count)d meeting cancelled.", "%(count)d meetings cancelled.", n)
                % {"count": n}
            ),
            template="cooperation/team/admin_cancel_meetings.html",
            title=_("Cancel meetings of the Consultation Team"),
            intro=_(
                "The meetings below will be shown as cancelled on the team's page and "
                "their rooms freed. The reason is kept in their history:"
            ),
            submit=_("Cancel the meetings"),
        )


@admin.register(TeamContactMessage)
class TeamContactMessageAdmin(admin.ModelAdmin):
    """Copies of the messages relayed to the team, for the retention period (read
    only): where staff find a message whose e-mail did not go out."""

    list_display = ["sender_name", "sender_email", "sent", "excerpt"]
    search_fields = ["sender_name", "sender_email", "body"]
    fields = ["sender_name", "sender_email", "created_at", "body"]
    readonly_fields = fields
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return TeamContactMessage.objects.retained()

    @admin.display(description=_("sent"), ordering="created_at")
    def sent(self, obj):
        return format_short_datetime(obj.created_at)

    @admin.display(description=_("message"))
    def excerpt(self, obj):
        text = " ".join(obj.body.split())
        return text if len(text) <= 80 else f"{text[:79]}…"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
