"""The centre's bookable premises and their bookings.

Times are stored in UTC and shown in Europe/Warsaw (settings.TIME_ZONE). A booking
that is pending or confirmed holds its slot: on PostgreSQL an exclusion constraint
(migration 0002) makes two such bookings of one resource that overlap impossible,
whatever writes them; `rooms.services.bookings` checks the same rule first to give a clear
message.
"""

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.images import validate_image_upload
from cwop_portal.models import TranslatedFieldsMixin, localized_property
from cwop_portal.reservations import Reservation, ReservationQuerySet


class Equipment(TranslatedFieldsMixin, models.Model):
    """An item of equipment a resource has (projector, flipchart…): an editable list."""

    name_pl = models.CharField(_("name (Polish)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    name = localized_property("name")

    class Meta:
        verbose_name = _("equipment item")
        verbose_name_plural = _("equipment")
        ordering = ["position", "name_pl"]

    def __str__(self):
        return self.name_pl


class ResourceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)


class Resource(TranslatedFieldsMixin, models.Model):
    """A training or meeting room, the workstation, or space on the notice boards."""

    class Kind(models.TextChoices):
        TRAINING_ROOM = "training_room", _("training room")
        MEETING_ROOM = "meeting_room", _("meeting room")
        WORKSTATION = "workstation", _("workstation")
        BOARD_SPACE = "board_space", _("notice-board or leaflet-stand space")

    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    description_pl = models.TextField(
        _("description (Polish)"), blank=True, help_text=_("Markdown: **bold**, - list.")
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"),
        default=1,
        validators=[MinValueValidator(1)],
        help_text=_("How many people (for board space: how many posters or leaflet piles)."),
    )
    equipment = models.ManyToManyField(
        Equipment, verbose_name=_("equipment"), blank=True, related_name="resources"
    )
    accessibility_pl = models.TextField(
        _("accessibility (Polish)"),
        blank=True,
        help_text=_("Step-free access, induction loop, accessible toilet…"),
    )
    accessibility_en = models.TextField(_("accessibility (English)"), blank=True)
    house_rules_pl = models.TextField(
        _("house rules (Polish)"),
        blank=True,
        help_text=_("Shown on the booking form; the person booking accepts them."),
    )
    house_rules_en = models.TextField(_("house rules (English)"), blank=True)
    requires_approval = models.BooleanField(
        _("bookings need staff approval"),
        default=True,
        help_text=_("Otherwise a booking that follows the rules is confirmed at once."),
    )
    min_duration = models.PositiveIntegerField(
        _("shortest booking (minutes)"), default=30, validators=[MinValueValidator(1)]
    )
    max_duration = models.PositiveIntegerField(
        _("longest booking (minutes)"),
        default=480,
        validators=[MinValueValidator(1)],
        help_text=_("For board space, counted in whole days (1440 minutes a day)."),
    )
    slot_step = models.PositiveIntegerField(
        _("slot step (minutes)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(240)],
        help_text=_("Bookings start and end on multiples of this, counted from midnight."),
    )
    booking_horizon_days = models.PositiveIntegerField(
        _("bookable up to (days ahead)"), default=60, validators=[MinValueValidator(1)]
    )
    booking_notice_hours = models.PositiveIntegerField(
        _("book at least (hours before)"), default=24
    )
    cancel_notice_hours = models.PositiveIntegerField(
        _("members may cancel until (hours before)"), default=24
    )
    monthly_quota_hours = models.PositiveIntegerField(
        _("hours per organisation per month"),
        null=True,
        blank=True,
        help_text=_("Empty: no limit. Counts pending and confirmed bookings."),
    )
    is_active = models.BooleanField(
        _("active"), default=True, help_text=_("Inactive resources are hidden and not bookable.")
    )
    position = models.PositiveIntegerField(_("position"), default=0)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    name = localized_property("name")
    description = localized_property("description")
    accessibility = localized_property("accessibility")
    house_rules = localized_property("house_rules")

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("bookable resource")
        verbose_name_plural = _("bookable resources")
        ordering = ["position", "name_pl"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="rooms_capacity_positive"),
            models.CheckConstraint(
                condition=Q(min_duration__lte=F("max_duration")),
                name="rooms_min_duration_not_above_max",
            ),
            models.CheckConstraint(condition=Q(slot_step__gte=5), name="rooms_slot_step_min"),
        ]

    def __str__(self):
        return self.name_pl

    def get_absolute_url(self):
        return reverse("rooms:resource_detail", args=[self.slug])

    @property
    def books_whole_days(self):
        """Board space is booked by whole days; the rest by time slots."""
        return self.kind == self.Kind.BOARD_SPACE

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.min_duration and self.max_duration and self.min_duration > self.max_duration:
            errors["max_duration"] = _("The longest booking cannot be shorter than the shortest.")
        if self.books_whole_days:
            for name in ("min_duration", "max_duration"):
                value = getattr(self, name)
                if value and value % 1440:
                    errors[name] = _("Board space is booked by whole days: use multiples of 1440.")
        elif self.slot_step:
            for name in ("min_duration", "max_duration"):
                value = getattr(self, name)
                if value and value % self.slot_step:
                    errors[name] = _("Use a multiple of the slot step (%(step)s minutes).") % {
                        "step": self.slot_step
                    }
        if errors:
            raise ValidationError(errors)


class ResourcePhoto(TranslatedFieldsMixin, models.Model):
    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.ImageField(
        _("photo"),
        upload_to="rooms/photos/%Y/",
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, GIF or WebP, up to 5 MB and 4000 × 4000 pixels."),
    )
    alt_pl = models.CharField(
        _("description of the photo (Polish)"),
        max_length=250,
        help_text=_("What the photo shows, for people who cannot see it."),
    )
    alt_en = models.CharField(_("description of the photo (English)"), max_length=250, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    alt = localized_property("alt")

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["position", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(alt_pl=""), name="rooms_photo_has_alt_text")
        ]

    def __str__(self):
        return self.alt_pl


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class OpeningHours(models.Model):
    """When the centre (no resource) or one resource is open on a weekday.

    A resource with opening hours of its own follows only those (a weekday
    without a row is then closed for it); otherwise it follows the centre's.
    """

    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="opening_hours",
        help_text=_("Empty: the centre's hours, for every resource without hours of its own."),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    opens = models.TimeField(_("opens"))
    closes = models.TimeField(_("closes"))

    class Meta:
        verbose_name = _("opening hours")
        verbose_name_plural = _("opening hours")
        ordering = ["resource_id", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes__gt=F("opens")), name="rooms_hours_close_after_open"
            ),
            models.UniqueConstraint(
                fields=["resource", "weekday"], name="rooms_one_hours_row_per_resource_day"
            ),
            models.UniqueConstraint(
                fields=["weekday"],
                condition=Q(resource__isnull=True),
                name="rooms_one_centre_hours_row_per_day",
            ),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M}–{self.closes:%H:%M}"


class Closure(TranslatedFieldsMixin, models.Model):
    """Days the centre (no resource) or one resource cannot be booked.

    Polish public holidays are closed automatically and need no row here.
    """

    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="closures",
        help_text=_("Empty: the whole centre is closed."),
    )
    start_date = models.DateField(_("from"))
    end_date = models.DateField(_("until (inclusive)"))
    reason_pl = models.CharField(_("reason (Polish)"), max_length=200)
    reason_en = models.CharField(_("reason (English)"), max_length=200, blank=True)

    reason = localized_property("reason")

    class Meta:
        verbose_name = _("closure")
        verbose_name_plural = _("closures")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")),
                name="rooms_closure_end_not_before_start",
            )
        ]

    def __str__(self):
        return f"{self.start_date}–{self.end_date}: {self.reason_pl}"


class BookingSeries(models.Model):
    """Bookings made together, repeating every week or every other week."""

    class Frequency(models.IntegerChoices):
        WEEKLY = 1, _("every week")
        BIWEEKLY = 2, _("every other week")

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="+"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="booking_series",
    )
    frequency = models.PositiveSmallIntegerField(_("repeats"), choices=Frequency.choices)
    until = models.DateField(_("until"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("booking series")
        verbose_name_plural = _("booking series")

    def __str__(self):
        return f"{self.resource} – {self.get_frequency_display()} – {self.until}"


class Booking(Reservation):
    """A resource taken for a time by an organisation (or the centre itself); its
    time and life (created, cancelled, reminded) are a `Reservation`'s."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for approval")
        CONFIRMED = "confirmed", _("confirmed")
        REJECTED = "rejected", _("rejected")
        CANCELLED = "cancelled", _("cancelled")

    ACTIVE_STATUSES = [Status.PENDING, Status.CONFIRMED]

    resource = models.ForeignKey(
        Resource, verbose_name=_("resource"), on_delete=models.PROTECT, related_name="bookings"
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="bookings",
        help_text=_(
            "Empty: the centre's own use (its consultations and trainings), booked by staff."
        ),
    )
    series = models.ForeignKey(
        BookingSeries,
        verbose_name=_("series"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="bookings",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    title = models.CharField(
        _("purpose"), max_length=200, help_text=_("What the booking is for, e.g. a board meeting.")
    )
    attendees = models.PositiveIntegerField(
        _("expected attendees"), default=1, validators=[MinValueValidator(1)]
    )
    equipment_needed = models.ManyToManyField(
        Equipment, verbose_name=_("equipment needed"), blank=True, related_name="+"
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    rules_accepted_at = models.DateTimeField(_("house rules accepted"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="room_bookings",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("approved or rejected by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("approved or rejected"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cancelled by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)

    objects = ReservationQuerySet.as_manager()

    class Meta(Reservation.Meta):
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        indexes = [
            models.Index(fields=["resource", "start"], name="rooms_booking_resource_start"),
            models.Index(fields=["organization", "start"], name="rooms_booking_org_start"),
            models.Index(fields=["status", "start"], name="rooms_booking_status_start"),
        ]
        constraints = [
            *Reservation.Meta.constraints,
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="rooms_booking_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="cancelled") | Q(cancelled_at__isnull=False),
                name="rooms_booking_cancellation_has_time",
            ),
            models.CheckConstraint(
                condition=Q(attendees__gte=1), name="rooms_booking_attendees_positive"
            ),
            # The exclusion constraint against overlaps is added on PostgreSQL by
            # migration 0002 (SQLite cannot express it; there the service's
            # IMMEDIATE transaction serialises writers).
        ]

    def __str__(self):
        start = timezone.localtime(self.start)
        return f"{self.resource} {start:%Y-%m-%d %H:%M} – {self.title}"

    def get_absolute_url(self):
        return reverse("rooms:booking_detail", args=[self.pk])

    @property
    def last_day(self):
        """The last local day the booking covers (for whole-day bookings)."""
        return (self.local_end - datetime.timedelta(microseconds=1)).date()


class BookingChange(ChangeRecord):
    """History: who did what to a booking, and when."""

    subject_field = "booking"
    action_labels = {
        "created": pgettext_lazy("history", "booked"),
        "approved": pgettext_lazy("history", "approved"),
        "rejected": pgettext_lazy("history", "rejected"),
        "cancelled": pgettext_lazy("history", "cancelled"),
        "changed": pgettext_lazy("history", "changed"),
    }

    booking = models.ForeignKey(
        Booking, verbose_name=_("booking"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("booking change")
        verbose_name_plural = _("booking history")


def _new_token():
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """An organisation's private calendar feed of its bookings; the token is the key."""

    organization = models.OneToOneField(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="calendar_feed",
    )
    token = models.CharField(_("secret token"), max_length=64, unique=True, default=_new_token)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("private calendar feed")
        verbose_name_plural = _("private calendar feeds")

    def __str__(self):
        return str(self.organization)

    def get_absolute_url(self):
        return reverse("rooms_feed", args=[self.token])


class MailItem(models.Model):
    """A letter or parcel that arrived at the centre's address for an organisation."""

    class Kind(models.TextChoices):
        LETTER = "letter", _("letter")
        REGISTERED = "registered", _("registered letter")
        PARCEL = "parcel", _("parcel")

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="mail_items",
    )
    received_on = models.DateField(_("received on"), default=timezone.localdate)
    sender = models.CharField(_("sender"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.LETTER)
    note = models.CharField(_("note"), max_length=500, blank=True)
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)
    collected_at = models.DateTimeField(_("collected"), null=True, blank=True)
    collected_by = models.CharField(
        _("collected by"), max_length=200, blank=True, help_text=_("Name of the person.")
    )
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mail item")
        verbose_name_plural = _("correspondence")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(collected_at__isnull=True) | ~Q(collected_by=""),
                name="rooms_mail_collected_has_name",
            )
        ]

    def __str__(self):
        return f"{self.organization}: {self.get_kind_display()} ({self.sender}, {self.received_on})"

    @property
    def is_collected(self):
        return self.collected_at is not None


class ResourceChange(ChangeRecord):
    """History of a room or other resource, its photos and opening hours: who changed what, when."""

    subject_field = "resource"

    resource = models.ForeignKey(
        Resource,
        verbose_name=_("resource"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("resource change")
        verbose_name_plural = _("resource history")


class ClosureChange(ChangeRecord):
    """History of a closure: who entered or changed it, when, what."""

    subject_field = "closure"

    closure = models.ForeignKey(
        Closure,
        verbose_name=_("closure"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("closure change")
        verbose_name_plural = _("closure history")
