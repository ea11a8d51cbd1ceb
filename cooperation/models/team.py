"""The NGO Consultation Team (Zespół Konsultacyjny Organizacji Pozarządowych): its
members, its meetings (a room of the centre booked through the rooms service) with
their documents, and the messages residents send it through the portal."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.models import DownloadableFileMixin, TranslatedFieldsMixin, localized_property
from cwop_portal.validators import validate_document_file
from organizations.models.organization import ContactMessageQuerySet


class TeamMember(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", pgettext_lazy("team role", "chair")
        VICE_CHAIR = "vice", pgettext_lazy("team role", "vice-chair")
        SECRETARY = "secretary", pgettext_lazy("team role", "secretary")
        MEMBER = "member", pgettext_lazy("team role", "member")

    class Side(models.TextChoices):
        NGO = "ngo", _("organisations")
        CITY = "city", _("city")

    name = models.CharField(_("name"), max_length=200)
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.MEMBER)
    side = models.CharField(_("represents"), max_length=5, choices=Side.choices, default=Side.NGO)
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_members",
        help_text=_("An organisation from the directory, linked from the team's page."),
    )
    affiliation = models.CharField(
        _("organisation or city office"),
        max_length=300,
        blank=True,
        help_text=_("As shown, when it is not an organisation of the directory."),
    )
    term_start = models.DateField(_("term from"))
    term_end = models.DateField(_("term until"), null=True, blank=True)
    email = models.EmailField(
        _("e-mail (never shown)"),
        blank=True,
        help_text=_("Messages sent through the team's contact form reach it."),
    )
    receives_messages = models.BooleanField(_("receives the team's messages"), default=False)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("Consultation Team member")
        verbose_name_plural = _("Consultation Team members")
        ordering = ["position", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True) | Q(term_end__gte=models.F("term_start")),
                name="team_member_term_ends_after_start",
                violation_error_message=_("The term cannot end before it starts."),
            ),
            models.CheckConstraint(condition=~Q(name=""), name="team_member_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    @property
    def represents(self):
        return self.organization.name if self.organization_id else self.affiliation

    def is_serving(self, day=None):
        day = day or timezone.localdate()
        return self.term_start <= day and (self.term_end is None or day <= self.term_end)


class TeamMeeting(TranslatedFieldsMixin, models.Model):
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    room = models.ForeignKey(
        "rooms.Resource",
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    place = models.CharField(
        _("place"),
        max_length=300,
        blank=True,
        help_text=_("Where, if not in a room of the centre."),
    )
    room_booking = models.OneToOneField(
        "rooms.Booking",
        verbose_name=_("room booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="team_meeting",
        editable=False,
    )
    agenda_pl = models.TextField(_("agenda (Polish)"), blank=True)
    agenda_en = models.TextField(_("agenda (English)"), blank=True)
    is_cancelled = models.BooleanField(_("cancelled"), default=False)
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("Consultation Team meeting")
        verbose_name_plural = _("Consultation Team meetings")
        ordering = ["-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="team_meeting_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self):
        return _("Team meeting of %(date)s") % {"date": timezone.localtime(self.start).date()}

    agenda = localized_property("agenda")


class TeamMeetingDocument(DownloadableFileMixin, models.Model):
    class Kind(models.TextChoices):
        AGENDA = "agenda", pgettext_lazy("meeting document", "agenda")
        MINUTES = "minutes", pgettext_lazy("meeting document", "minutes")
        OPINION = "opinion", pgettext_lazy("meeting document", "opinion")
        OTHER = "other", pgettext_lazy("meeting document", "other")

    meeting = models.ForeignKey(
        TeamMeeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.MINUTES)
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to="cooperation/team/%Y/",
        validators=[validate_document_file],
        help_text=_("PDF, DOC, DOCX, ODT, RTF, XLS, XLSX, ODS, CSV or TXT."),
    )
    file_size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("meeting document")
        verbose_name_plural = _("meeting documents")
        ordering = ["meeting", "kind", "title"]

    def __str__(self):
        return self.title


class TeamContactMessage(models.Model):
    """A message to the Consultation Team, relayed to the members who receive them."""

    sender_name = models.CharField(_("name"), max_length=200)
    sender_email = models.EmailField(_("e-mail address"))
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    # Kept for settings.CONTACT_MESSAGE_RETENTION_DAYS, as the directory's messages.
    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("message to the Consultation Team")
        verbose_name_plural = _("messages to the Consultation Team")
        ordering = ["-created_at"]

    def __str__(self):
        return self.sender_name


class TeamMemberChange(ChangeRecord):
    subject_field = "member"

    member = models.ForeignKey(
        TeamMember,
        verbose_name=_("Consultation Team member"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of a team member")
        verbose_name_plural = _("history of the team member")


class TeamMeetingChange(ChangeRecord):
    subject_field = "meeting"

    meeting = models.ForeignKey(
        TeamMeeting,
        verbose_name=_("meeting"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of a team meeting")
        verbose_name_plural = _("history of the team meeting")
