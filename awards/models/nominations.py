"""Nominations, their attachments, the jury's conflicts of interest and scores.

A nomination counts (the formal check, the jury and the figures see it) once it is
confirmed — by its author's account, or by the link e-mailed to a nominator without
one — and, for a young person, once a parent or guardian has consented (a signed
form uploaded, or the link e-mailed to the guardian). Of a young person only the
first name, the initial of the surname and the school are ever public.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from awards.models.competitions import (
    Category,
    Criterion,
    Edition,
    Juror,
    NominatorKind,
    NomineeKind,
)
from cwop_portal.history import ChangeRecord
from cwop_portal.images import validate_image_upload
from cwop_portal.models import DownloadableFileMixin, TranslatedFieldsMixin, localized_property
from cwop_portal.validators import validate_document_file


class NominationQuerySet(models.QuerySet):
    def counting(self):
        """Confirmed, and with the guardian's consent where the nominee is a minor."""
        return self.filter(confirmed_at__isnull=False).filter(
            ~Q(nominee_kind=NomineeKind.MINOR) | Q(consent_at__isnull=False)
        )

    def accepted(self):
        return self.counting().filter(status=Nomination.Status.ACCEPTED)

    def awarded(self):
        return self.accepted().exclude(award=Nomination.Award.NONE)


class Nomination(TranslatedFieldsMixin, models.Model):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", pgettext_lazy("nomination", "awaiting the formal check")
        ACCEPTED = "accepted", pgettext_lazy("nomination", "accepted")
        REJECTED = "rejected", pgettext_lazy("nomination", "rejected")

    class Award(models.TextChoices):
        NONE = "", pgettext_lazy("award", "none")
        LAUREATE = "laureate", pgettext_lazy("award", "laureate")
        MENTION = "mention", pgettext_lazy("award", "mention")

    class ConsentMethod(models.TextChoices):
        NONE = "", pgettext_lazy("consent", "not yet")
        UPLOAD = "upload", pgettext_lazy("consent", "signed form uploaded")
        EMAIL = "email", pgettext_lazy("consent", "confirmed by e-mail")

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.PROTECT, related_name="nominations"
    )
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="nominations"
    )
    nominee_kind = models.CharField(
        _("who is nominated"), max_length=15, choices=NomineeKind.choices
    )
    # A person or a young person: first name and surname. An organisation, an
    # initiative or a place: its name (and, for an organisation, its entry in the
    # directory when it has one).
    nominee_first_name = models.CharField(_("first name"), max_length=100, blank=True)
    nominee_last_name = models.CharField(_("surname"), max_length=100, blank=True)
    nominee_name = models.CharField(_("name"), max_length=300, blank=True)
    nominee_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation from the directory"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_nominations",
    )
    school = models.CharField(_("school"), max_length=300, blank=True)
    school_class = models.CharField(_("class"), max_length=20, blank=True)
    guardian_name = models.CharField(_("parent's or guardian's name"), max_length=200, blank=True)
    guardian_email = models.EmailField(_("parent's or guardian's e-mail"), blank=True)
    consent_file = models.FileField(
        _("signed consent form"),
        upload_to="awards/consents/%Y/",
        blank=True,
        validators=[validate_document_file],
    )
    consent_method = models.CharField(
        _("consent"), max_length=10, choices=ConsentMethod.choices, default="", blank=True
    )
    consent_at = models.DateTimeField(_("consent given"), null=True, blank=True)
    justification = models.TextField(_("justification"), max_length=5000)
    description = models.TextField(_("description of the nominee"), max_length=5000, blank=True)
    achievements = models.TextField(_("achievements"), max_length=5000, blank=True)
    links = models.TextField(_("links"), max_length=2000, blank=True, help_text=_("One per line."))

    nominator_kind = models.CharField(
        _("nominated by"), max_length=15, choices=NominatorKind.choices
    )
    nominator_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("nominator's account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_nominations",
    )
    nominator_organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("nominating organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="award_nominations_made",
    )
    nominator_name = models.CharField(_("nominator's name"), max_length=200)
    nominator_institution = models.CharField(_("school or institution"), max_length=300, blank=True)
    nominator_email = models.EmailField(_("nominator's e-mail"))
    nominator_phone = models.CharField(_("nominator's phone"), max_length=30, blank=True)
    privacy_consent = models.BooleanField(
        _("consent to processing of personal data"), default=False
    )
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    status = models.CharField(
        _("formal check"), max_length=10, choices=Status.choices, default=Status.SUBMITTED
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    checked_at = models.DateTimeField(_("checked"), null=True, blank=True)
    checked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("checked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    award = models.CharField(
        _("award"), max_length=10, choices=Award.choices, default="", blank=True
    )
    result_description_pl = models.TextField(_("description in the results (Polish)"), blank=True)
    result_description_en = models.TextField(_("description in the results (English)"), blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="awards/photos/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, GIF or WebP, up to 5 MB and 4000 × 4000 pixels."),
    )
    photo_alt_pl = models.CharField(
        _("description of the photo (Polish)"), max_length=300, blank=True
    )
    photo_alt_en = models.CharField(
        _("description of the photo (English)"), max_length=300, blank=True
    )

    created_at = models.DateTimeField(_("sent"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = NominationQuerySet.as_manager()

    class Meta:
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["edition", "status"], name="nomination_edition_status"),
            models.Index(fields=["nominator_user"], name="nomination_nominator"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "accepted", "rejected"]),
                name="nomination_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="nomination_rejection_has_reason",
                violation_error_message=_("A rejection needs its reason."),
            ),
            models.CheckConstraint(
                condition=Q(award="") | Q(status="accepted"),
                name="nomination_award_only_accepted",
                violation_error_message=_("Only an accepted nomination can be awarded."),
            ),
            models.CheckConstraint(
                condition=Q(award__in=["", "laureate", "mention"]), name="nomination_award_valid"
            ),
            models.CheckConstraint(
                condition=Q(privacy_consent=True),
                name="nomination_privacy_consent",
                violation_error_message=_("The nominator must accept the privacy clause."),
            ),
            models.CheckConstraint(
                condition=~Q(nominee_kind="minor")
                | (~Q(guardian_email="") & ~Q(school="") & ~Q(nominee_first_name="")),
                name="nomination_minor_has_guardian_and_school",
                violation_error_message=_(
                    "A young person's nomination needs the school and a parent's or "
                    "guardian's e-mail."
                ),
            ),
            models.CheckConstraint(
                condition=Q(consent_at__isnull=True) | ~Q(consent_method=""),
                name="nomination_consent_has_method",
            ),
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt_pl=""),
                name="nomination_photo_has_alt",
                violation_error_message=_("Describe the photo for people who cannot see it."),
            ),
            models.CheckConstraint(
                condition=~Q(justification=""), name="nomination_justification_not_empty"
            ),
        ]

    def __str__(self):
        return self.public_name

    result_description = localized_property("result_description")
    photo_alt = localized_property("photo_alt")

    @property
    def is_minor(self):
        return self.nominee_kind == NomineeKind.MINOR

    @property
    def full_name(self):
        """The nominee's whole name: for staff, the jury and the nominator only."""
        if self.nominee_kind in (NomineeKind.PERSON, NomineeKind.MINOR):
            return f"{self.nominee_first_name} {self.nominee_last_name}".strip()
        return self.nominee_name

    @property
    def public_name(self):
        """The name the public may see: of a young person, the first name and the
        initial of the surname only."""
        if self.is_minor:
            initial = (self.nominee_last_name or "").strip()[:1]
            return (
                f"{self.nominee_first_name} {initial}.".strip()
                if initial
                else self.nominee_first_name
            )
        return self.full_name

    @property
    def counts(self):
        return self.confirmed_at is not None and (not self.is_minor or self.consent_at is not None)


class NominationAttachment(DownloadableFileMixin, models.Model):
    nomination = models.ForeignKey(
        Nomination,
        verbose_name=_("nomination"),
        on_delete=models.CASCADE,
        related_name="attachments",
    )
    title = models.CharField(_("title"), max_length=200, blank=True)
    file = models.FileField(
        _("file"),
        upload_to="awards/attachments/%Y/",
        help_text=_("A document (PDF, DOC, DOCX, ODT…) or an image (JPEG, PNG, GIF, WebP)."),
    )
    file_size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["nomination", "pk"]

    def __str__(self):
        return self.title or self.file.name.rsplit("/", 1)[-1]


class Conflict(models.Model):
    """A juror's declared conflict of interest: the juror cannot score the nomination."""

    juror = models.ForeignKey(
        Juror, verbose_name=_("juror"), on_delete=models.CASCADE, related_name="conflicts"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="conflicts"
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    declared_at = models.DateTimeField(_("declared"), default=timezone.now)

    class Meta:
        verbose_name = _("conflict of interest")
        verbose_name_plural = _("conflicts of interest")
        constraints = [
            models.UniqueConstraint(fields=["juror", "nomination"], name="conflict_once"),
        ]

    def __str__(self):
        return f"{self.juror} – {self.nomination}"


class Score(models.Model):
    juror = models.ForeignKey(
        Juror, verbose_name=_("juror"), on_delete=models.CASCADE, related_name="scores"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(
        Criterion, verbose_name=_("criterion"), on_delete=models.CASCADE, related_name="scores"
    )
    value = models.PositiveSmallIntegerField(_("score"))
    updated_at = models.DateTimeField(_("scored"), auto_now=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["juror", "nomination", "criterion"], name="score_once_per_criterion"
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0) & Q(value__lte=100), name="score_value_in_range"
            ),
        ]

    def __str__(self):
        return f"{self.juror}: {self.criterion} = {self.value}"


class NominationChange(ChangeRecord):
    subject_field = "nomination"
    action_labels = {
        "confirmed": pgettext_lazy("nomination history", "confirmed by the nominator"),
        "consent": pgettext_lazy("nomination history", "guardian's consent given"),
        "approved": pgettext_lazy("nomination history", "accepted in the formal check"),
        "rejected": pgettext_lazy("nomination history", "rejected in the formal check"),
        "conflict_declared": pgettext_lazy("nomination history", "conflict of interest declared"),
        "scored": pgettext_lazy("nomination history", "scored by a juror"),
        "award": pgettext_lazy("nomination history", "award set"),
    }

    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of a nomination")
        verbose_name_plural = _("history of the nomination")
