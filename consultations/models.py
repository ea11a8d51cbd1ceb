"""Individual consultations with the centre's advisors, and group trainings.

Appointment slots are computed from the advisors' weekly availability rules and
exceptions, never stored one row each. An appointment that is held (waiting for
the client to confirm the e-mail) or confirmed keeps its advisor busy: on
PostgreSQL an exclusion constraint (migration 0002) refuses two such appointments
of one advisor that overlap; `consultations.services.appointments` checks first, under a lock.
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.images import validate_image_upload
from cwop_portal.models import DownloadableFileMixin, TranslatedFieldsMixin, localized_property
from cwop_portal.reservations import Reservation, ReservationQuerySet
from cwop_portal.validators import validate_document_file

# The length of a consultation slot and the break after it, in minutes: the same
# limits for weekly hours and exceptions (validators, forms and the database).
SLOT_MINUTES_MIN = 10
SLOT_MINUTES_MAX = 240
BUFFER_MINUTES_MAX = 120


def _slot_minutes_field():
    return models.PositiveIntegerField(
        _("slot length (minutes)"),
        default=45,
        validators=[MinValueValidator(SLOT_MINUTES_MIN), MaxValueValidator(SLOT_MINUTES_MAX)],
    )


def _buffer_minutes_field():
    return models.PositiveIntegerField(
        _("break between slots (minutes)"),
        default=15,
        validators=[MaxValueValidator(BUFFER_MINUTES_MAX)],
    )


def _minutes_constraints(prefix):
    return [
        models.CheckConstraint(
            condition=Q(slot_minutes__gte=SLOT_MINUTES_MIN, slot_minutes__lte=SLOT_MINUTES_MAX),
            name=f"{prefix}_slot_minutes_range",
        ),
        models.CheckConstraint(
            condition=Q(buffer_minutes__lte=BUFFER_MINUTES_MAX),
            name=f"{prefix}_buffer_minutes_range",
        ),
    ]


class Topic(TranslatedFieldsMixin, models.Model):
    """What a consultation is about (editable initial data from the centre's page)."""

    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    name = localized_property("name")

    class Meta:
        verbose_name = _("consultation topic")
        verbose_name_plural = _("consultation topics")
        ordering = ["position", "name_pl"]

    def __str__(self):
        return self.name_pl


class AdvisorGroup(TranslatedFieldsMixin, models.Model):
    """Advisors offered together as one service (e.g. the students' law clinic)."""

    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)

    name = localized_property("name")
    description = localized_property("description")

    class Meta:
        verbose_name = _("group of advisors")
        verbose_name_plural = _("groups of advisors")
        ordering = ["name_pl"]

    def __str__(self):
        return self.name_pl


class Advisor(TranslatedFieldsMixin, models.Model):
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    bio_pl = models.TextField(_("short bio (Polish)"), blank=True)
    bio_en = models.TextField(_("short bio (English)"), blank=True)
    photo = models.ImageField(
        _("photo"),
        upload_to="consultations/advisors/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, GIF or WebP, up to 5 MB and 4000 × 4000 pixels."),
    )
    photo_alt = models.CharField(
        _("description of the photo (alternative text)"),
        max_length=250,
        blank=True,
        help_text=_("Required with a photo."),
    )
    topics = models.ManyToManyField(Topic, verbose_name=_("topics"), related_name="advisors")
    group = models.ForeignKey(
        AdvisorGroup,
        verbose_name=_("group"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advisors",
    )
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="advisor",
        help_text=_("With an account the advisor sees and manages their own schedule."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    bio = localized_property("bio")

    class Meta:
        verbose_name = _("advisor")
        verbose_name_plural = _("advisors")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(photo="") | ~Q(photo_alt=""), name="consultations_photo_has_alt_text"
            )
        ]

    def __str__(self):
        return self.name


class Mode(models.TextChoices):
    IN_PERSON = "in_person", _("in person")
    PHONE = "phone", _("by phone")
    ONLINE = "online", _("online")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityRule(models.Model):
    """An advisor's weekly hours: every `weekday` from `starts` to `ends`, cut into
    slots of `slot_minutes` with `buffer_minutes` between them."""

    advisor = models.ForeignKey(
        Advisor, verbose_name=_("advisor"), on_delete=models.CASCADE, related_name="rules"
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    slot_minutes = _slot_minutes_field()
    buffer_minutes = _buffer_minutes_field()
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    room = models.ForeignKey(
        "rooms.Resource",
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("For consultations in person: the room they hold (booked for each one)."),
    )
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)

    class Meta:
        verbose_name = _("availability rule")
        verbose_name_plural = _("availability rules")
        ordering = ["advisor", "weekday", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=F("starts")), name="consultations_rule_ends_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(mode="in_person") | Q(room__isnull=False),
                name="consultations_rule_in_person_has_room",
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="consultations_rule_valid_range",
            ),
            *_minutes_constraints("consultations_rule"),
        ]

    def __str__(self):
        return f"{self.advisor} {self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    def clean(self):
        errors = {}
        if self.starts and self.ends and self.ends <= self.starts:
            errors["ends"] = _("The end must be later than the start.")
        if self.mode == Mode.IN_PERSON and not self.room_id:
            errors["room"] = _("Choose the room of the consultations in person.")
        if self.valid_until and self.valid_from and self.valid_until < self.valid_from:
            errors["valid_until"] = _("The end of validity cannot be before its start.")
        if not errors and self.advisor_id and self.starts and self.ends:
            others = AvailabilityRule.objects.filter(
                advisor_id=self.advisor_id,
                weekday=self.weekday,
                starts__lt=self.ends,
                ends__gt=self.starts,
            ).exclude(pk=self.pk)
            for other in others:
                if _periods_overlap(
                    self.valid_from, self.valid_until, other.valid_from, other.valid_until
                ):
                    errors["starts"] = _(
                        "These hours overlap another rule of this advisor: %(rule)s."
                    ) % {"rule": other}
                    break
        if errors:
            raise ValidationError(errors)

    def applies_on(self, day):
        return (
            day.weekday() == self.weekday
            and self.valid_from <= day
            and (self.valid_until is None or day <= self.valid_until)
        )


def _periods_overlap(start_a, end_a, start_b, end_b):
    far = datetime.date.max
    return start_a <= (end_b or far) and start_b <= (end_a or far)


class AvailabilityException(models.Model):
    """A day off (no times: the whole day) or extra hours of an advisor."""

    class Kind(models.TextChoices):
        DAY_OFF = "day_off", _("not available")
        EXTRA = "extra", _("extra hours")

    advisor = models.ForeignKey(
        Advisor, verbose_name=_("advisor"), on_delete=models.CASCADE, related_name="exceptions"
    )
    date = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    starts = models.TimeField(_("from"), null=True, blank=True)
    ends = models.TimeField(_("to"), null=True, blank=True)
    slot_minutes = _slot_minutes_field()
    buffer_minutes = _buffer_minutes_field()
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices, blank=True)
    room = models.ForeignKey(
        "rooms.Resource",
        verbose_name=_("room"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering = ["-date", "starts"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts__isnull=True, ends__isnull=True)
                | Q(starts__isnull=False, ends__isnull=False, ends__gt=F("starts")),
                name="consultations_exception_times",
            ),
            models.CheckConstraint(
                condition=~Q(kind="extra") | (Q(starts__isnull=False) & ~Q(mode="")),
                name="consultations_extra_hours_complete",
            ),
            *_minutes_constraints("consultations_exception"),
        ]

    def __str__(self):
        return f"{self.advisor} {self.date} {self.get_kind_display()}"

    def clean(self):
        errors = {}
        if (self.starts is None) != (self.ends is None):
            errors["ends"] = _("Give both times, or neither for the whole day.")
        elif self.starts and self.ends and self.ends <= self.starts:
            errors["ends"] = _("The end must be later than the start.")
        if self.kind == self.Kind.EXTRA:
            if not self.starts:
                errors["starts"] = _("Extra hours need their times.")
            if not self.mode:
                errors["mode"] = _("Choose how the extra consultations take place.")
            elif self.mode == Mode.IN_PERSON and not self.room_id:
                errors["room"] = _("Choose the room of the consultations in person.")
        if not errors and self.advisor_id and self.date:
            errors.update(self._overlap_errors())
        if errors:
            raise ValidationError(errors)

    @classmethod
    def contradict(cls, a, b):
        """Whether two entries of one advisor on one day contradict each other:
        extra hours may not overlap other extra hours or a day off, a day off may
        not overlap extra hours (a whole-day entry overlaps everything). `a`, `b`:
        anything with `kind`, `starts` and `ends`."""
        if a.kind == cls.Kind.DAY_OFF and b.kind == cls.Kind.DAY_OFF:
            return False
        if a.starts is None or b.starts is None:
            return True
        return a.starts < b.ends and b.starts < a.ends

    def describe_times(self):
        if self.starts is None:
            return str(_("the whole day"))
        return f"{self.starts:%H:%M}–{self.ends:%H:%M}"

    def _overlap_errors(self):
        others = AvailabilityException.objects.filter(advisor=self.advisor_id, date=self.date)
        if self.pk:
            others = others.exclude(pk=self.pk)
        for other in others:
            if self.contradict(self, other):
                return {
                    "starts": _("This overlaps another entry of the same day (%(kind)s, %(when)s).")
                    % {"kind": other.get_kind_display(), "when": other.describe_times()}
                }
        return {}


class ConsultationSettings(models.Model):
    """The rules of booking consultations, edited by staff (one row)."""

    booking_notice_hours = models.PositiveIntegerField(
        _("book at least (hours before)"), default=24
    )
    booking_horizon_days = models.PositiveIntegerField(
        _("bookable up to (days ahead)"), default=60, validators=[MinValueValidator(1)]
    )
    cancel_notice_hours = models.PositiveIntegerField(
        _("clients may cancel until (hours before)"), default=2
    )
    hold_minutes = models.PositiveIntegerField(
        _("slot held for an unconfirmed e-mail (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(24 * 60)],
    )
    max_active_per_organization = models.PositiveIntegerField(
        _("active appointments per organisation at once"),
        null=True,
        blank=True,
        default=3,
        help_text=_("Empty: no limit."),
    )

    class Meta:
        verbose_name = _("consultation settings")
        verbose_name_plural = _("consultation settings")

    def __str__(self):
        return str(_("Consultation settings"))

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]


class ConsultationSettingsChange(ChangeRecord):
    """History of the consultation rules: who changed which, when, old → new."""

    subject_field = "settings"

    settings = models.ForeignKey(
        ConsultationSettings,
        verbose_name=_("consultation settings"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of the consultation settings")
        verbose_name_plural = _("history of the consultation settings")


def client_language(code):
    """The language of the e-mails to a client who used the pages in `code` (the
    active language): one the portal speaks, else its main language."""
    languages = dict(settings.LANGUAGES)
    code = (code or "").lower()
    if code not in languages:
        code = code.split("-")[0]
    return code if code in languages else settings.LANGUAGE_CODE


class Appointment(Reservation):
    """A client's time with an advisor; its time and life (created, cancelled,
    reminded) are a `Reservation`'s."""

    class Status(models.TextChoices):
        HELD = "held", _("waiting for the e-mail confirmation")
        CONFIRMED = "confirmed", _("confirmed")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("not confirmed in time")
        ATTENDED = "attended", _("attended")
        NO_SHOW = "no_show", _("did not come")

    # These keep the advisor busy (the exclusion constraint's condition).
    ACTIVE_STATUSES = [Status.HELD, Status.CONFIRMED, Status.ATTENDED, Status.NO_SHOW]
    # The client's own data: the history says that it changed, never what it was.
    history_private_fields = (
        "client_name",
        "client_email",
        "client_phone",
        "client_organization_name",
        "question",
        "private_notes",
    )

    advisor = models.ForeignKey(
        Advisor, verbose_name=_("advisor"), on_delete=models.PROTECT, related_name="appointments"
    )
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), on_delete=models.PROTECT, related_name="appointments"
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    room_booking = models.OneToOneField(
        "rooms.Booking",
        verbose_name=_("room booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointment",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    held_until = models.DateTimeField(_("held until"), null=True, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by (account)"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    client_name = models.CharField(_("name"), max_length=200)
    client_email = models.EmailField(_("e-mail address"))
    client_phone = models.CharField(_("phone"), max_length=40, blank=True)
    client_organization_name = models.CharField(
        _("organisation or group (as given)"), max_length=300, blank=True
    )
    question = models.TextField(_("the question"), max_length=3000)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="pl",
        editable=False,
        help_text=_(
            "The e-mails to the client are written in it: that of the pages they booked on."
        ),
    )
    private_notes = models.TextField(
        _("private notes"), blank=True, help_text=_("Never shown to the client.")
    )
    cancelled_by_client = models.BooleanField(_("cancelled by the client"), default=False)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)

    objects = ReservationQuerySet.as_manager()

    class Meta(Reservation.Meta):
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        indexes = [
            models.Index(fields=["advisor", "start"], name="consult_appt_advisor_start"),
            models.Index(fields=["status", "start"], name="consult_appt_status_start"),
        ]
        constraints = [
            *Reservation.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(status="held") | Q(held_until__isnull=False),
                name="consultations_held_has_deadline",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="consultations_cancelled_has_time",
            ),
            # The exclusion constraint against an advisor's overlapping appointments
            # is added on PostgreSQL by migration 0002.
        ]

    def __str__(self):
        start = timezone.localtime(self.start)
        return f"{self.advisor} {start:%Y-%m-%d %H:%M} – {self.client_name}"


class AppointmentChange(ChangeRecord):
    """History: who did what to an appointment, and when."""

    subject_field = "appointment"
    action_labels = {
        "booked": pgettext_lazy("history", "booked"),
        "confirmed": pgettext_lazy("history", "e-mail address confirmed"),
        "cancelled": pgettext_lazy("history", "cancelled"),
        "expired": pgettext_lazy("history", "not confirmed in time"),
        "rescheduled": pgettext_lazy("history", "moved to another time"),
        "marked": pgettext_lazy("history", "attendance marked"),
        "notes": pgettext_lazy("history", "private notes changed"),
    }
    # Notes the services wrote as codes: who did it, a status ("held") or a change
    # of status ("confirmed → attended").
    note_codes = {"client": _("by the client"), "e-mail": _("with the link in the e-mail")}

    appointment = models.ForeignKey(
        Appointment, verbose_name=_("appointment"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("appointment change")
        verbose_name_plural = _("appointment history")

    def note_in_words(self):
        if self.note in self.note_codes:
            return str(self.note_codes[self.note])
        statuses = dict(Appointment.Status.choices)
        parts = self.note.split(" → ")
        if all(part in statuses for part in parts):
            return " → ".join(str(statuses[part]) for part in parts)
        return self.note


# --- Trainings -------------------------------------------------------------------------


class Training(TranslatedFieldsMixin, models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        CANCELLED = "cancelled", _("cancelled")

    title_pl = models.CharField(_("title (Polish)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description_pl = models.TextField(_("description (Polish)"), help_text=_("Markdown."))
    description_en = models.TextField(_("description (English)"), blank=True)
    trainer = models.CharField(_("trainer"), max_length=200)
    target_audience_pl = models.CharField(_("for whom (Polish)"), max_length=300, blank=True)
    target_audience_en = models.CharField(_("for whom (English)"), max_length=300, blank=True)
    is_online = models.BooleanField(_("online"), default=False)
    online_details = models.TextField(
        _("how to join online"),
        blank=True,
        help_text=_("Sent to registered people only, never shown publicly."),
    )
    place = models.CharField(
        _("place (if not one of the centre's rooms)"), max_length=300, blank=True
    )
    capacity = models.PositiveIntegerField(_("seats"), validators=[MinValueValidator(1)])
    registration_deadline = models.DateTimeField(_("registration closes"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    title = localized_property("title")
    description = localized_property("description")
    target_audience = localized_property("target_audience")

    class Meta:
        verbose_name = _("training")
        verbose_name_plural = _("trainings")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity__gte=1), name="consultations_training_capacity_positive"
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | ~Q(cancellation_reason=""),
                name="consultations_training_cancellation_has_reason",
            ),
        ]

    def __str__(self):
        return self.title_pl


class TrainingChange(ChangeRecord):
    """History: who changed what in a training (publishing, cancelling, seats,
    the staff's edits), and when."""

    subject_field = "training"
    action_labels = {
        "published": pgettext_lazy("history", "published"),
        "capacity": pgettext_lazy("history", "number of seats changed"),
    }

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("training change")
        verbose_name_plural = _("training history")


class TrainingSession(models.Model):
    """One meeting of a training (a series has several); a room of the centre is
    reserved through the rooms service."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="sessions"
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
    room_booking = models.OneToOneField(
        "rooms.Booking",
        verbose_name=_("room booking"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_session",
    )

    class Meta:
        verbose_name = _("training session")
        verbose_name_plural = _("training sessions")
        ordering = ["start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gt=F("start")), name="consultations_session_end_after_start"
            )
        ]

    def __str__(self):
        return f"{self.training} {timezone.localtime(self.start):%Y-%m-%d %H:%M}"


class TrainingMaterial(DownloadableFileMixin, models.Model):
    """A file for the participants, available after the training."""

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="materials"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to="consultations/materials/%Y/",
        validators=[validate_document_file],
        help_text=_("PDF, DOC, DOCX, ODT, RTF, XLS, XLSX, ODS, CSV or TXT."),
    )
    file_size = models.PositiveBigIntegerField(_("size in bytes"), default=0, editable=False)

    class Meta:
        verbose_name = _("training material")
        verbose_name_plural = _("training materials")
        ordering = ["title"]

    def __str__(self):
        return self.title


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self):
        return self.filter(status=Registration.Status.REGISTERED)


class Registration(models.Model):
    class Status(models.TextChoices):
        UNCONFIRMED = "unconfirmed", _("waiting for the e-mail confirmation")
        REGISTERED = "registered", _("registered")
        WAITING = "waiting", _("on the waiting list")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE_STATUSES = [Status.UNCONFIRMED, Status.REGISTERED, Status.WAITING]
    # The person's own data: the history says that it changed, never what it was.
    history_private_fields = ("name", "email")

    training = models.ForeignKey(
        Training, verbose_name=_("training"), on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("e-mail address"))
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_registrations",
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registered by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="training_registrations",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="pl",
        editable=False,
        help_text=_(
            "The e-mails to the person are written in it: that of the pages they registered on."
        ),
    )
    attended = models.BooleanField(_("attended"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    promoted_at = models.DateTimeField(_("moved from the waiting list"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(_("reminder sent"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("registered"), default=timezone.now)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("registration")
        verbose_name_plural = _("registrations")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "email"],
                condition=Q(status__in=["unconfirmed", "registered", "waiting"]),
                name="consultations_one_active_registration_per_email",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="consultations_registration_cancelled_has_time",
            ),
        ]

    def __str__(self):
        return f"{self.training} – {self.name}"


class RegistrationChange(ChangeRecord):
    """History of a registration: registered, confirmed, moved from the waiting
    list, cancelled, attendance; the person's name and address changes without
    their values."""

    subject_field = "registration"
    action_labels = {
        "registered": pgettext_lazy("history", "registered"),
        "confirmed": pgettext_lazy("history", "e-mail address confirmed"),
        "promoted": pgettext_lazy("history", "moved from the waiting list"),
        "attendance": pgettext_lazy("history", "attendance marked"),
    }

    registration = models.ForeignKey(
        Registration,
        verbose_name=_("registration"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("registration change")
        verbose_name_plural = _("registration history")


class AdvisorChange(ChangeRecord):
    """History of an advisor's profile and weekly hours: who changed what, when."""

    subject_field = "advisor"

    advisor = models.ForeignKey(
        Advisor,
        verbose_name=_("advisor"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("advisor change")
        verbose_name_plural = _("advisor history")
