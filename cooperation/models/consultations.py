"""The public consultation of city acts with NGOs (art. 5 of the Act on public
benefit activity and volunteering): the draft act split into provisions, the
remarks organisations (and, where allowed, residents) send on it, the city's
position on each remark, and the open meetings held about it."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.models import DownloadableFileMixin, TranslatedFieldsMixin, localized_property
from cwop_portal.validators import validate_document_file


class PublicConsultationQuerySet(models.QuerySet):
    def public(self):
        """What residents see: everything but drafts."""
        return self.exclude(status=PublicConsultation.Status.DRAFT)

    def accepting_remarks(self, now=None):
        now = now or timezone.now()
        return self.filter(status=PublicConsultation.Status.OPEN, start__lte=now, end__gt=now)

    def closed(self, now=None):
        """Past their deadline (with or without a published report)."""
        now = now or timezone.now()
        return self.public().filter(end__lte=now)


class PublicConsultation(DownloadableFileMixin, TranslatedFieldsMixin, models.Model):
    """One consultation of a draft city act.

    The stored status is draft → open → report published; whether an open
    consultation takes remarks is decided by its start and end against the
    database's clock (`phase` says it in words: upcoming, open, closed)."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("public consultation", "draft")
        OPEN = "open", pgettext_lazy("public consultation", "announced")
        REPORT_PUBLISHED = "reported", pgettext_lazy("public consultation", "report published")

    class Phase(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("public consultation", "draft")
        UPCOMING = "upcoming", pgettext_lazy("public consultation", "upcoming")
        OPEN = "open", pgettext_lazy("public consultation", "open")
        CLOSED = "closed", pgettext_lazy("public consultation", "closed")
        REPORTED = "reported", pgettext_lazy("public consultation", "report published")

    title_pl = models.CharField(_("title (Polish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    slug = models.SlugField(_("address"), max_length=120, unique=True)
    summary_pl = models.TextField(
        _("summary (Polish)"),
        blank=True,
        help_text=_("What the act is about and why it is consulted (Markdown)."),
    )
    summary_en = models.TextField(_("summary (English)"), blank=True)
    file = models.FileField(
        _("draft act (file)"),
        upload_to="cooperation/acts/%Y/",
        blank=True,
        validators=[validate_document_file],
        help_text=_("PDF, DOC, DOCX, ODT, RTF, XLS, XLSX, ODS, CSV or TXT."),
    )
    file_size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    fields_of_activity = models.ManyToManyField(
        "organizations.FieldOfActivity",
        verbose_name=_("fields of activity consulted"),
        blank=True,
        related_name="public_consultations",
        help_text=_(
            "Organisations working in these fields are invited by e-mail. "
            "None chosen: every organisation in the directory."
        ),
    )
    council_consulted = models.BooleanField(
        _("the Public Benefit Council is consulted"), default=False
    )
    residents_may_remark = models.BooleanField(
        _("residents may send remarks too"),
        default=False,
        help_text=_("Otherwise only members of organisations send remarks, on their behalf."),
    )
    office = models.CharField(_("responsible city office"), max_length=200)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=50, blank=True)
    start = models.DateTimeField(_("remarks from"))
    end = models.DateTimeField(_("remarks until (deadline)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    programme_year = models.ForeignKey(
        "cooperation.ProgrammeYear",
        verbose_name=_("Cooperation Programme year"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_consultations",
        help_text=_("Set when the act consulted is that year's Cooperation Programme."),
    )
    opened_at = models.DateTimeField(_("announced"), null=True, blank=True, editable=False)
    alerts_sent_at = models.DateTimeField(
        _("invitations sent"), null=True, blank=True, editable=False
    )
    reminders_sent_at = models.DateTimeField(
        _("reminders sent"), null=True, blank=True, editable=False
    )
    report_summary_pl = models.TextField(
        _("report summary (Polish)"),
        blank=True,
        help_text=_("Shown above the remarks in the published report (Markdown)."),
    )
    report_summary_en = models.TextField(_("report summary (English)"), blank=True)
    report_published_at = models.DateTimeField(
        pgettext_lazy("public consultation", "report published"),
        null=True,
        blank=True,
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    objects = PublicConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("public consultation")
        verbose_name_plural = _("public consultations")
        ordering = ["-start", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="public_consultation_end_after_start",
                violation_error_message=_("The deadline must be after the start."),
            ),
            models.CheckConstraint(
                condition=~Q(title_pl=""), name="public_consultation_title_pl_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "open", "reported"]),
                name="public_consultation_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="reported") | Q(report_published_at__isnull=False),
                name="public_consultation_report_has_date",
            ),
        ]
        indexes = [models.Index(fields=["status", "end"])]

    def __str__(self):
        return self.title_pl

    title = localized_property("title")
    summary = localized_property("summary")
    report_summary = localized_property("report_summary")

    def get_absolute_url(self):
        return reverse("cooperation:public_consultation_detail", args=[self.slug])

    def phase_at(self, now):
        if self.status == self.Status.DRAFT:
            return self.Phase.DRAFT
        if self.status == self.Status.REPORT_PUBLISHED:
            return self.Phase.REPORTED
        if now < self.start:
            return self.Phase.UPCOMING
        if now < self.end:
            return self.Phase.OPEN
        return self.Phase.CLOSED

    @property
    def phase(self):
        return self.phase_at(timezone.now())

    def is_accepting_remarks(self, now=None):
        return self.phase_at(now or timezone.now()) == self.Phase.OPEN


class Provision(models.Model):
    """One unit of the draft act (a §, ust. or pkt) that remarks refer to."""

    consultation = models.ForeignKey(
        PublicConsultation,
        verbose_name=_("public consultation"),
        on_delete=models.CASCADE,
        related_name="provisions",
    )
    position = models.PositiveIntegerField(_("position"))
    label = models.CharField(
        _("provision"), max_length=100, help_text=_("For example “§ 3 ust. 2 pkt 1”.")
    )
    text = models.TextField(_("current wording"))

    class Meta:
        verbose_name = _("provision")
        verbose_name_plural = _("provisions of the draft act")
        ordering = ["consultation", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["consultation", "position"], name="provision_position_unique"
            ),
            models.CheckConstraint(condition=~Q(label=""), name="provision_label_not_empty"),
        ]

    def __str__(self):
        return self.label


class Remark(models.Model):
    """A remark on a draft act (on one provision, or general), sent on behalf of an
    organisation or, where the consultation allows it, by a resident; and the
    city's position on it."""

    # The sender's name and address: the history records that they changed, never
    # their values.
    history_private_fields = ("author_name", "author_email")

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("remark", "submitted")
        WITHDRAWN = "withdrawn", pgettext_lazy("remark", "withdrawn")

    class Position(models.TextChoices):
        NONE = "", pgettext_lazy("remark position", "not yet considered")
        ACCEPTED = "accepted", pgettext_lazy("remark position", "accepted")
        PARTLY = "partly", pgettext_lazy("remark position", "partly accepted")
        REJECTED = "rejected", pgettext_lazy("remark position", "not accepted")

    consultation = models.ForeignKey(
        PublicConsultation,
        verbose_name=_("public consultation"),
        on_delete=models.CASCADE,
        related_name="remarks",
    )
    provision = models.ForeignKey(
        Provision,
        verbose_name=_("provision"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="remarks",
        help_text=_("Empty: a general remark on the whole act."),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_consultation_remarks",
    )
    organization_name = models.CharField(
        _("organisation (as when sent)"), max_length=300, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="public_consultation_remarks",
    )
    author_name = models.CharField(_("name of the person sending"), max_length=200)
    author_email = models.EmailField(_("e-mail of the person sending"))
    proposed_wording = models.TextField(_("proposed wording"), blank=True, max_length=10000)
    justification = models.TextField(_("justification"), max_length=10000)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    position = models.CharField(
        _("position of the city"),
        max_length=10,
        choices=Position.choices,
        default=Position.NONE,
        blank=True,
    )
    position_justification = models.TextField(
        _("justification of the position"), blank=True, max_length=10000
    )
    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    withdrawn_at = models.DateTimeField(
        pgettext_lazy("remark", "withdrawn"), null=True, blank=True, editable=False
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("remark")
        verbose_name_plural = _("remarks")
        ordering = ["consultation", "provision__position", "created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(justification=""), name="remark_justification_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["active", "withdrawn"]), name="remark_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(position__in=["", "accepted", "partly", "rejected"]),
                name="remark_position_valid",
            ),
            models.CheckConstraint(
                condition=Q(position__in=["", "accepted"]) | ~Q(position_justification=""),
                name="remark_position_justified",
                violation_error_message=_("Justify a position of partly accepted or not accepted."),
            ),
        ]
        indexes = [models.Index(fields=["consultation", "status"])]

    def __str__(self):
        where = self.provision.label if self.provision_id else _("general remark")
        return f"{where} — {self.organization_name or self.author_name}"

    @property
    def is_active(self):
        return self.status == self.Status.ACTIVE

    @property
    def sender(self):
        """Who the remark is from, as the report shows it."""
        return self.organization_name or _("a resident")


class ConsultationMeeting(TranslatedFieldsMixin, models.Model):
    """An open meeting about a consultation; a room of the centre is booked for it
    through the rooms service (or it is held elsewhere: `place`)."""

    consultation = models.ForeignKey(
        PublicConsultation,
        verbose_name=_("public consultation"),
        on_delete=models.CASCADE,
        related_name="meetings",
    )
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
        related_name="public_consultation_meeting",
        editable=False,
    )
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    class Meta:
        verbose_name = _("open meeting")
        verbose_name_plural = _("open meetings")
        ordering = ["start", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")),
                name="consultation_meeting_end_after_start",
                violation_error_message=_("The end must be after the start."),
            ),
        ]

    def __str__(self):
        return _("Open meeting: %(title)s") % {"title": self.consultation.title_pl}

    description = localized_property("description")


class AlertOptOut(models.Model):
    """A member who does not want the e-mails about public consultations for one
    of their organisations."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="consultation_alert_opt_outs",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="consultation_alert_opt_outs",
    )
    created_at = models.DateTimeField(_("since"), default=timezone.now)

    class Meta:
        verbose_name = _("opt-out of consultation e-mails")
        verbose_name_plural = _("opt-outs of consultation e-mails")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="alert_opt_out_unique"),
        ]

    def __str__(self):
        return f"{self.user} — {self.organization}"


class PublicConsultationChange(ChangeRecord):
    """History of a public consultation: opened, changed, report published…"""

    subject_field = "consultation"
    action_labels = {
        "opened": pgettext_lazy("history", "announced"),
        "report_published": pgettext_lazy("consultation history", "report published"),
        "report_withdrawn": pgettext_lazy("consultation history", "report withdrawn"),
    }

    consultation = models.ForeignKey(
        PublicConsultation,
        verbose_name=_("public consultation"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("public consultation change")
        verbose_name_plural = _("public consultation history")


class RemarkChange(ChangeRecord):
    """History of a remark: sent, edited, withdrawn, the position recorded."""

    subject_field = "remark"
    action_labels = {
        "submitted": pgettext_lazy("history", "sent"),
        "withdrawn": pgettext_lazy("remark history", "withdrawn"),
        "position": pgettext_lazy("history", "position recorded"),
    }

    remark = models.ForeignKey(
        Remark, verbose_name=_("remark"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("remark change")
        verbose_name_plural = _("remark history")
