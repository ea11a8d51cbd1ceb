"""Competitions (a yearly award such as "Społeczna Dusza") and their editions: the
year's regulations, timeline, categories, scoring criteria and jury."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.models import TranslatedFieldsMixin, localized_property
from cwop_portal.validators import validate_document_file


class NomineeKind(models.TextChoices):
    PERSON = "person", pgettext_lazy("nominee", "person")
    MINOR = "minor", pgettext_lazy("nominee", "young person (under 18)")
    ORGANIZATION = "organization", pgettext_lazy("nominee", "organisation")
    INITIATIVE = "initiative", pgettext_lazy("nominee", "initiative")
    PLACE = "place", pgettext_lazy("nominee", "place")


class NominatorKind(models.TextChoices):
    RESIDENT = "resident", pgettext_lazy("nominator", "resident")
    ORGANIZATION = "organization", pgettext_lazy("nominator", "organisation")
    SCHOOL = "school", pgettext_lazy("nominator", "school")


# The nominee kinds and nominator kinds a competition allows, as its boolean fields.
NOMINEE_FIELDS = {
    NomineeKind.PERSON: "nominee_person",
    NomineeKind.MINOR: "nominee_minor",
    NomineeKind.ORGANIZATION: "nominee_organization",
    NomineeKind.INITIATIVE: "nominee_initiative",
    NomineeKind.PLACE: "nominee_place",
}
NOMINATOR_FIELDS = {
    NominatorKind.RESIDENT: "nominated_by_residents",
    NominatorKind.ORGANIZATION: "nominated_by_organizations",
    NominatorKind.SCHOOL: "nominated_by_schools",
}


class Competition(TranslatedFieldsMixin, models.Model):
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(
        _("address"),
        max_length=80,
        unique=True,
        help_text=_("The competition's address: /konkursy/<address>/."),
    )
    description_pl = models.TextField(
        _("description (Polish)"), blank=True, help_text=_("Markdown: **bold**, - list.")
    )
    description_en = models.TextField(_("description (English)"), blank=True)
    organizer = models.CharField(
        _("organiser"),
        max_length=300,
        blank=True,
        help_text=_("Who awards it, e.g. the Mayor of Białystok, if not the centre."),
    )
    nominated_by_residents = models.BooleanField(_("residents may nominate"), default=True)
    nominated_by_organizations = models.BooleanField(_("organisations may nominate"), default=True)
    nominated_by_schools = models.BooleanField(_("schools may nominate"), default=False)
    nominee_person = models.BooleanField(_("a person may be nominated"), default=True)
    nominee_minor = models.BooleanField(
        _("a young person (under 18) may be nominated"),
        default=False,
        help_text=_(
            "A young person's nomination counts only with a parent's or guardian's consent; "
            "only the first name, the initial of the surname and the school are public."
        ),
    )
    nominee_organization = models.BooleanField(_("an organisation may be nominated"), default=False)
    nominee_initiative = models.BooleanField(_("an initiative may be nominated"), default=False)
    nominee_place = models.BooleanField(_("a place may be nominated"), default=False)
    position = models.PositiveIntegerField(
        _("position"), default=0, help_text=_("Lower numbers are listed first.")
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    class Meta:
        verbose_name = _("competition")
        verbose_name_plural = _("competitions")
        ordering = ["position", "name_pl"]
        constraints = [
            models.CheckConstraint(condition=~Q(name_pl=""), name="competition_name_not_empty"),
            models.CheckConstraint(
                condition=Q(nominated_by_residents=True)
                | Q(nominated_by_organizations=True)
                | Q(nominated_by_schools=True),
                name="competition_has_nominators",
                violation_error_message=_("Say who may nominate."),
            ),
            models.CheckConstraint(
                condition=Q(nominee_person=True)
                | Q(nominee_minor=True)
                | Q(nominee_organization=True)
                | Q(nominee_initiative=True)
                | Q(nominee_place=True),
                name="competition_has_nominees",
                violation_error_message=_("Say who or what may be nominated."),
            ),
        ]

    def __str__(self):
        return self.name

    name = localized_property("name")
    description = localized_property("description")

    def get_absolute_url(self):
        return reverse("awards:competition", args=[self.slug])

    @property
    def nominee_kinds(self) -> list[str]:
        return [kind for kind, field in NOMINEE_FIELDS.items() if getattr(self, field)]

    @property
    def nominator_kinds(self) -> list[str]:
        return [kind for kind, field in NOMINATOR_FIELDS.items() if getattr(self, field)]


class EditionQuerySet(models.QuerySet):
    def public(self):
        return self.filter(status=Edition.Status.PUBLISHED)

    def open_for_nominations(self, now=None):
        now = now or timezone.now()
        return self.public().filter(nominations_open__lte=now, nominations_close__gt=now)


class Edition(TranslatedFieldsMixin, models.Model):
    """One year of a competition. Its timeline runs forward: nominations open →
    close → formal check ends → jury ends → results announced → ceremony; a public
    vote (when held) runs after the formal check and closes before the announcement."""

    class Status(models.TextChoices):
        DRAFT = "draft", pgettext_lazy("edition", "draft")
        PUBLISHED = "published", pgettext_lazy("edition", "published")

    competition = models.ForeignKey(
        Competition,
        verbose_name=_("competition"),
        on_delete=models.PROTECT,
        related_name="editions",
    )
    year = models.PositiveSmallIntegerField(_("year"))
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.DRAFT,
        help_text=_("A draft edition is not shown on the site."),
    )
    rules_pl = models.TextField(
        _("rules in brief (Polish)"),
        blank=True,
        help_text=_("Who may be nominated and how; the regulations document is binding."),
    )
    rules_en = models.TextField(_("rules in brief (English)"), blank=True)
    regulations = models.FileField(
        _("regulations"),
        upload_to="awards/regulations/%Y/",
        blank=True,
        validators=[validate_document_file],
        help_text=_("PDF, DOC, DOCX, ODT, RTF, XLS, XLSX, ODS, CSV or TXT."),
    )
    consent_form = models.FileField(
        _("guardian's consent form"),
        upload_to="awards/regulations/%Y/",
        blank=True,
        validators=[validate_document_file],
        help_text=_("The form a parent or guardian signs for a young person's nomination."),
    )
    nominations_open = models.DateTimeField(_("nominations open"))
    nominations_close = models.DateTimeField(_("nominations close"))
    formal_check_until = models.DateTimeField(_("formal check until"))
    jury_until = models.DateTimeField(
        _("jury until"),
        help_text=_("Jurors score until then; their scores are seen by others only after it."),
    )
    announcement_at = models.DateTimeField(
        _("results announced"),
        help_text=_("The results approved by staff are published on the site at this time."),
    )
    ceremony_at = models.DateTimeField(_("ceremony"), null=True, blank=True)
    ceremony_ends_at = models.DateTimeField(_("ceremony ends"), null=True, blank=True)
    ceremony_place = models.CharField(
        _("place of the ceremony"),
        max_length=300,
        blank=True,
        help_text=_("Where, if not in a room of the centre."),
    )
    # A room of the centre, held for the ceremony through the base's registry
    # (cwop_portal.venues; awards does not use the rooms app): the room's id and the
    # booking that holds it.
    ceremony_room_id = models.PositiveIntegerField(
        _("room of the centre for the ceremony"),
        null=True,
        blank=True,
        help_text=_("Booked for the centre when the edition is saved; freed when it changes."),
    )
    ceremony_hold_id = models.PositiveIntegerField(
        _("booking of the ceremony's room"), null=True, blank=True, editable=False
    )
    ask_description = models.BooleanField(
        _("form asks for a description of the nominee"), default=True
    )
    ask_achievements = models.BooleanField(_("form asks for achievements"), default=True)
    ask_links = models.BooleanField(_("form asks for links"), default=False)
    ask_attachments = models.BooleanField(_("form accepts attachments"), default=True)
    public_vote = models.BooleanField(
        _("public vote"),
        default=False,
        help_text=_(
            "Residents vote for the accepted nominations: one vote per e-mail per category."
        ),
    )
    vote_opens = models.DateTimeField(_("vote opens"), null=True, blank=True)
    vote_closes = models.DateTimeField(_("vote closes"), null=True, blank=True)
    results_approved_at = models.DateTimeField(
        _("results approved"),
        null=True,
        blank=True,
        editable=False,
    )
    results_approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("results approved by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)

    objects = EditionQuerySet.as_manager()

    class Meta:
        verbose_name = _("edition")
        verbose_name_plural = _("editions")
        ordering = ["competition", "-year"]
        constraints = [
            models.UniqueConstraint(
                fields=["competition", "year"],
                name="edition_one_per_year",
                violation_error_message=_("This competition already has an edition that year."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "published"]), name="edition_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="edition_year_in_range"
            ),
            models.CheckConstraint(
                condition=Q(nominations_close__gt=F("nominations_open"))
                & Q(formal_check_until__gte=F("nominations_close"))
                & Q(jury_until__gte=F("formal_check_until"))
                & Q(announcement_at__gte=F("jury_until")),
                name="edition_timeline_forward",
                violation_error_message=_("The edition's timeline must run forward."),
            ),
            models.CheckConstraint(
                condition=Q(ceremony_ends_at__isnull=True)
                | (Q(ceremony_at__isnull=False) & Q(ceremony_ends_at__gt=F("ceremony_at"))),
                name="edition_ceremony_ends_after_start",
                violation_error_message=_("The ceremony must end after it starts."),
            ),
            models.CheckConstraint(
                condition=Q(ceremony_room_id__isnull=True) | Q(ceremony_ends_at__isnull=False),
                name="edition_ceremony_room_has_time",
                violation_error_message=_("A room for the ceremony needs its start and end."),
            ),
            models.CheckConstraint(
                condition=Q(ceremony_at__isnull=True) | Q(ceremony_at__gte=F("announcement_at")),
                name="edition_ceremony_after_announcement",
                violation_error_message=_("The ceremony cannot be before the announcement."),
            ),
            models.CheckConstraint(
                condition=Q(public_vote=False)
                | (
                    Q(vote_opens__isnull=False)
                    & Q(vote_closes__gt=F("vote_opens"))
                    & Q(vote_opens__gte=F("nominations_close"))
                    & Q(vote_closes__lte=F("announcement_at"))
                ),
                name="edition_vote_within_timeline",
                violation_error_message=_(
                    "A public vote needs its opening and closing, after the nominations close "
                    "and before the announcement."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.competition} {self.year}"

    rules = localized_property("rules")

    def get_absolute_url(self):
        return reverse("awards:edition", args=[self.competition.slug, self.year])

    # The timeline, by the clock (the services decide again under a row lock).
    def nominations_are_open(self, now=None):
        now = now or timezone.now()
        return self.nominations_open <= now < self.nominations_close

    def jury_is_open(self, now=None):
        now = now or timezone.now()
        return self.nominations_close <= now < self.jury_until

    def jury_is_closed(self, now=None):
        return (now or timezone.now()) >= self.jury_until

    def vote_is_open(self, now=None):
        now = now or timezone.now()
        return bool(
            self.public_vote and self.vote_opens and self.vote_opens <= now < self.vote_closes
        )

    def vote_is_closed(self, now=None):
        return bool(
            self.public_vote and self.vote_closes and (now or timezone.now()) >= self.vote_closes
        )

    def results_are_public(self, now=None):
        return (
            self.status == self.Status.PUBLISHED
            and self.results_approved_at is not None
            and (now or timezone.now()) >= self.announcement_at
        )


class Category(TranslatedFieldsMixin, models.Model):
    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="categories"
    )
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    description_pl = models.TextField(_("description (Polish)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["edition", "position", "name_pl"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "name_pl"],
                name="category_name_unique_in_edition",
                violation_error_message=_("The edition already has a category of this name."),
            ),
            models.CheckConstraint(condition=~Q(name_pl=""), name="category_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    name = localized_property("name")
    description = localized_property("description")


class Criterion(TranslatedFieldsMixin, models.Model):
    """A scoring criterion: each juror scores each nomination from 0 to `max_score`;
    the ranking weighs the criteria by `weight`."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="criteria"
    )
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, help_text=_("How much the criterion counts, from 1 to 100.")
    )
    max_score = models.PositiveSmallIntegerField(
        _("highest score"), default=10, help_text=_("Scores run from 0 to this number (1–100).")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["edition", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(weight__gte=1) & Q(weight__lte=100),
                name="criterion_weight_in_range",
                violation_error_message=_("The weight must be from 1 to 100."),
            ),
            models.CheckConstraint(
                condition=Q(max_score__gte=1) & Q(max_score__lte=100),
                name="criterion_scale_in_range",
                violation_error_message=_("The highest score must be from 1 to 100."),
            ),
            models.CheckConstraint(condition=~Q(name_pl=""), name="criterion_name_not_empty"),
        ]

    def __str__(self):
        return self.name

    name = localized_property("name")


class Juror(models.Model):
    """An account on one edition's jury: it sees and scores the accepted nominations
    of its categories (all of them when none is chosen), and nothing of any other
    edition."""

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="jurors"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("account"),
        on_delete=models.CASCADE,
        related_name="juror_seats",
    )
    categories = models.ManyToManyField(
        Category,
        verbose_name=_("categories"),
        blank=True,
        related_name="jurors",
        help_text=_("The categories this juror scores; none chosen means every category."),
    )
    is_chair = models.BooleanField(_("chair of the jury"), default=False)

    class Meta:
        verbose_name = _("juror")
        verbose_name_plural = _("jurors")
        ordering = ["edition", "-is_chair", "user__last_name", "user__first_name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["edition", "user"],
                name="juror_once_per_edition",
                violation_error_message=_("This account is already on the edition's jury."),
            ),
        ]

    def __str__(self):
        return self.user.get_full_name() or self.user.email


class EditionChange(ChangeRecord):
    subject_field = "edition"
    action_labels = {
        "results_approved": pgettext_lazy("edition history", "results approved"),
        "results_withdrawn": pgettext_lazy("edition history", "results withdrawn"),
    }

    edition = models.ForeignKey(
        Edition, verbose_name=_("edition"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of an edition")
        verbose_name_plural = _("history of the edition")
