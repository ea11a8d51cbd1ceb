"""Organisations in the directory, their members, history and relayed messages."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.images import validate_image_upload
from cwop_portal.search import matching
from organizations.identifiers import (
    validate_krs,
    validate_nip,
    validate_postal_code,
    validate_regon,
)
from organizations.models.taxonomy import FieldOfActivity, TargetGroup
from organizations.search import organization_document


class LegalForm(models.TextChoices):
    ASSOCIATION = "association", _("association")
    ORDINARY_ASSOCIATION = "ordinary_association", _("ordinary association")
    FOUNDATION = "foundation", _("foundation")
    INITIATIVE_GROUP = "initiative_group", _("initiative group")
    OTHER = "other", _("other")


# Legal forms entered in the National Court Register: a KRS number is required.
FORMS_WITH_KRS = [LegalForm.ASSOCIATION, LegalForm.FOUNDATION]
# Changing these on a published profile needs the centre's approval again.
IDENTITY_FIELDS = ["name", "legal_form", "krs"]


class OrganizationQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Organization.Status.PUBLISHED)

    def for_listing(self):
        """With the district and, as plain lists, the terms shown on cards and profiles.

        The terms land in `listed_fields` and `listed_target_groups` (lists, not
        managers): a page of 20 cards then builds no queryset per card.
        """
        return self.select_related("district").prefetch_related(
            models.Prefetch(
                "fields_of_activity",
                queryset=FieldOfActivity.objects.all(),
                to_attr="listed_fields",
            ),
            models.Prefetch(
                "target_groups",
                queryset=TargetGroup.objects.all(),
                to_attr="listed_target_groups",
            ),
        )

    def search(self, query):
        """Organisations whose text has words beginning with every query word's stem."""
        return self.filter(matching(query))

    def managed_by(self, user):
        """Organisations where `user` is an active member (admin or editor)."""
        if not user.is_authenticated:
            return self.none()
        return self.filter(
            memberships__user=user, memberships__status=Membership.Status.ACTIVE
        ).distinct()

    def visible_to(self, user):
        """Published ones for everybody; drafts too for their members and staff."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        if user.is_authenticated:
            return self.filter(
                Q(status=Organization.Status.PUBLISHED)
                | Q(
                    memberships__user=user,
                    memberships__status=Membership.Status.ACTIVE,
                )
            ).distinct()
        return self.published()


class Organization(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PENDING = "pending", _("waiting for approval")
        PUBLISHED = "published", pgettext_lazy("organisation status", "published")
        REJECTED = "rejected", _("rejected")
        ARCHIVED = "archived", _("archived")

    LegalForm = LegalForm

    name = models.CharField(_("name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=100, blank=True)
    slug = models.SlugField(_("address in the portal"), max_length=120, unique=True)
    legal_form = models.CharField(_("legal form"), max_length=30, choices=LegalForm.choices)
    # NULL (not "") when missing, so that the unique constraint ignores it.
    krs = models.CharField(  # noqa: DJ001
        _("KRS number"),
        max_length=10,
        null=True,
        blank=True,
        validators=[validate_krs],
        help_text=_("Required for associations and foundations."),
    )
    ordinary_register_number = models.CharField(
        _("number in the register of ordinary associations"), max_length=50, blank=True
    )
    nip = models.CharField(_("NIP"), max_length=10, blank=True, validators=[validate_nip])
    regon = models.CharField(_("REGON"), max_length=14, blank=True, validators=[validate_regon])
    is_opp = models.BooleanField(
        _("public benefit organisation (OPP)"),
        default=False,
        help_text=_("Status granted by the registry court; OPPs may receive 1.5% of income tax."),
    )
    fields_of_activity = models.ManyToManyField(
        "organizations.FieldOfActivity",
        verbose_name=_("fields of activity"),
        blank=True,
        related_name="organizations",
    )
    target_groups = models.ManyToManyField(
        "organizations.TargetGroup",
        verbose_name=_("target groups"),
        blank=True,
        related_name="organizations",
    )
    district = models.ForeignKey(
        "organizations.District",
        verbose_name=_("district"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="organizations",
    )
    street_address = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(
        _("postal code"), max_length=6, blank=True, validators=[validate_postal_code]
    )
    city = models.CharField(_("city"), max_length=100, default="Białystok")
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    public_email = models.EmailField(_("e-mail address"), blank=True)
    show_email = models.BooleanField(
        _("show the e-mail address on the profile"),
        default=False,
        help_text=_("Without it, people write to you through the portal's contact form."),
    )
    website = models.URLField(_("website"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    description = models.TextField(
        _("description"),
        blank=True,
        help_text=_("What the organisation does and for whom. Markdown: **bold**, - list."),
    )
    logo = models.ImageField(
        _("logo"),
        upload_to="organizations/logos/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, GIF or WebP, up to 5 MB and 4000 × 4000 pixels."),
    )
    year_founded = models.PositiveSmallIntegerField(
        _("year founded"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1800), MaxValueValidator(2100)],
    )
    is_looking_for_volunteers = models.BooleanField(_("looking for volunteers"), default=False)
    volunteering_description = models.CharField(
        _("what volunteers would do"), max_length=500, blank=True
    )
    data_confirmed_on = models.DateField(_("data confirmed on"), null=True, blank=True)

    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    pending_identity = models.JSONField(
        _("changes waiting for approval"),
        default=dict,
        blank=True,
        help_text=_("Name, legal form or KRS changed on a published profile."),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    published_at = models.DateTimeField(_("first published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    search_document = models.TextField(editable=False, blank=True, default="")

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["krs"],
                condition=Q(krs__isnull=False),
                name="organization_krs_unique",
                violation_error_message=_(
                    "An organisation with this KRS number is already in the directory."
                ),
            ),
            models.CheckConstraint(
                condition=Q(krs__isnull=True) | Q(krs__regex=r"^[0-9]{10}$"),
                name="organization_krs_ten_digits",
            ),
            models.CheckConstraint(
                condition=~Q(legal_form__in=FORMS_WITH_KRS) | Q(krs__isnull=False),
                name="organization_krs_required_for_registered_forms",
                violation_error_message=_(
                    "Associations and foundations must give their KRS number."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="organization_rejection_has_reason",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="organization_name_not_empty"),
        ]
        indexes = [models.Index(fields=["status", "name"])]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organizations:organization_detail", args=[self.slug])

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.krs == "":
            self.krs = None
        if self.legal_form in FORMS_WITH_KRS and not self.krs:
            raise ValidationError(
                {"krs": _("Associations and foundations must give their KRS number.")}
            )

    def rebuild_search_document(self):
        """Recompute the search text (call after the many-to-many fields change)."""
        self.search_document = organization_document(
            self, fields=self.fields_of_activity.all(), target_groups=self.target_groups.all()
        )
        Organization.objects.filter(pk=self.pk).update(search_document=self.search_document)

    def admin_emails(self):
        """E-mail addresses of the organisation's active administrators."""
        return list(
            self.memberships.filter(
                status=Membership.Status.ACTIVE,
                role=Membership.Role.ADMIN,
                user__is_active=True,
            ).values_list("user__email", flat=True)
        )

    def has_active_administrator(self):
        return self.memberships.filter(
            status=Membership.Status.ACTIVE, role=Membership.Role.ADMIN, user__is_active=True
        ).exists()

    def contact_recipients(self):
        """Where a message sent through the portal goes: the organisation's own
        address, or else its active administrators."""
        return [self.public_email] if self.public_email else self.admin_emails()

    def can_be_contacted(self):
        """Whether residents can write to it through the portal now: it is in the
        directory and somebody answers for it. A relayed message is e-mailed and also
        kept on the administrators' messages page (where they find it when the
        e-mail did not go out), so without an active administrator nobody would be
        sure to read it, whatever address the profile has."""
        return self.is_published and self.has_active_administrator()

    @property
    def display_email(self):
        return self.public_email if self.show_email else ""

    @property
    def is_published(self):
        return self.status == self.Status.PUBLISHED


class Membership(models.Model):
    class Role(models.TextChoices):
        ADMIN = "admin", _("administrator")
        EDITOR = "editor", _("editor")

    class Status(models.TextChoices):
        PENDING = "pending", _("asked to join")
        ACTIVE = "active", _("active")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.EDITOR)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    message = models.CharField(_("message to the administrators"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["organization__name", "user__email"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organization"], name="membership_one_per_person"
            ),
        ]

    def __str__(self):
        return f"{self.user} – {self.organization}"


class OrganizationChange(ChangeRecord):
    """History: who changed what in an organisation, and when."""

    subject_field = "organization"

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("organisation change")
        verbose_name_plural = _("organisation history")


class ContactMessageQuerySet(models.QuerySet):
    """The retention period (settings.CONTACT_MESSAGE_RETENTION_DAYS) splits the
    messages: those within it are shown (the members' page, the admin), the others
    are as good as deleted until `purge_contact_messages` deletes them."""

    def _cutoff(self, days, now):
        days = settings.CONTACT_MESSAGE_RETENTION_DAYS if days is None else days
        return (now or timezone.now()) - timezone.timedelta(days=days)

    def retained(self, *, days=None, now=None):
        return self.filter(created_at__gte=self._cutoff(days, now))

    def expired(self, *, days=None, now=None):
        return self.filter(created_at__lt=self._cutoff(days, now))


class ContactMessage(models.Model):
    """A message a resident sent to an organisation through the portal.

    It is e-mailed to the organisation and kept only for the retention period
    (settings.CONTACT_MESSAGE_RETENTION_DAYS): `retained()` hides older ones at
    once, `purge_contact_messages` deletes them.
    """

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        related_name="contact_messages",
    )
    sender_name = models.CharField(_("name"), max_length=200)
    sender_email = models.EmailField(_("e-mail address"))
    body = models.TextField(_("message"), max_length=5000)
    created_at = models.DateTimeField(_("sent"), default=timezone.now, db_index=True)

    objects = ContactMessageQuerySet.as_manager()

    class Meta:
        verbose_name = _("contact message")
        verbose_name_plural = _("contact messages")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.sender_name} → {self.organization}"
