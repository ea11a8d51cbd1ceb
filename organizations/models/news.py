"""News posted by organisations (moderated) and by the centre's staff."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.images import validate_image_upload
from cwop_portal.models import DownloadableFileMixin
from cwop_portal.validators import validate_document_file

ATTACHMENT_TYPES = ("pdf", "docx", "xlsx", "odt")


def validate_attachment(value):
    """PDF, DOCX, XLSX or ODT only, checked like documents (type, content, size)."""
    from django.core.exceptions import ValidationError
    from django.utils.translation import gettext

    extension = (value.name or "").rsplit(".", 1)[-1].lower()
    if extension not in ATTACHMENT_TYPES:
        raise ValidationError(
            gettext("Attach PDF, DOCX, XLSX or ODT files only."), code="invalid_extension"
        )
    validate_document_file(value)


class NewsPostQuerySet(models.QuerySet):
    def published(self, now=None):
        """Visible to the public now: published, not scheduled for later, not expired,
        and from the centre or an organisation that is itself in the directory."""
        from organizations.models.organization import Organization

        now = now or timezone.now()
        return self.filter(
            Q(organization__isnull=True) | Q(organization__status=Organization.Status.PUBLISHED),
            Q(expires_at__isnull=True) | Q(expires_at__gt=now),
            status=NewsPost.Status.PUBLISHED,
            published_at__lte=now,
        )

    def for_listing(self):
        return self.select_related("organization")

    def visible_to(self, user):
        """Published ones for everybody; also drafts of their organisations for members,
        and everything for staff."""
        if user.is_authenticated and user.is_staff:
            return self.all()
        published = self.published()
        if not user.is_authenticated:
            return published
        from organizations.models.organization import Membership

        own = self.filter(
            organization__memberships__user=user,
            organization__memberships__status=Membership.Status.ACTIVE,
        )
        return (published | own).distinct()


class NewsPost(models.Model):
    class Category(models.TextChoices):
        ANNOUNCEMENT = "announcement", _("announcement")
        EVENT = "event", _("event")
        FUNDING = "funding", _("funding call")
        CENTRE = "centre", _("centre news")

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        SUBMITTED = "submitted", _("waiting for approval")
        PUBLISHED = "published", pgettext_lazy("news status", "published")
        REJECTED = "rejected", _("rejected")

    organization = models.ForeignKey(
        "organizations.Organization",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="news_posts",
        help_text=_("Empty for the centre's own news."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(_("address in the portal"), max_length=220, unique=True)
    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.ANNOUNCEMENT
    )
    lead = models.TextField(
        _("lead"), max_length=500, help_text=_("One or two sentences shown in lists and feeds.")
    )
    body = models.TextField(
        _("text"), blank=True, help_text=_("Markdown: ## heading, **bold**, - list, [link](…).")
    )
    lead_image = models.ImageField(
        _("lead image"),
        upload_to="news/images/%Y/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, GIF or WebP, up to 5 MB and 4000 × 4000 pixels."),
    )
    lead_image_alt = models.CharField(
        _("description of the image (alternative text)"),
        max_length=300,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it. Required with an image."),
    )
    funding_deadline = models.DateField(
        _("application deadline"),
        null=True,
        blank=True,
        help_text=_("Required for funding calls."),
    )
    event_starts_at = models.DateTimeField(_("event date and time"), null=True, blank=True)
    event_place = models.CharField(_("event place"), max_length=300, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    published_at = models.DateTimeField(
        _("publication date"),
        null=True,
        blank=True,
        help_text=_("A future date schedules the post."),
    )
    expires_at = models.DateTimeField(
        _("hide after"), null=True, blank=True, help_text=_("Optional: for announcements.")
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = NewsPostQuerySet.as_manager()

    class Meta:
        verbose_name = _("news post")
        verbose_name_plural = _("news")
        ordering = ["-published_at", "-pk"]
        indexes = [models.Index(fields=["status", "published_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(lead_image="") | ~Q(lead_image_alt=""),
                name="news_image_has_alt_text",
                violation_error_message=_("Describe the image (alternative text)."),
            ),
            models.CheckConstraint(
                condition=~Q(category="funding") | Q(funding_deadline__isnull=False),
                name="news_funding_call_has_deadline",
                violation_error_message=_("A funding call needs its application deadline."),
            ),
            models.CheckConstraint(
                condition=~Q(status="published") | Q(published_at__isnull=False),
                name="news_published_has_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="news_rejection_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(expires_at__isnull=True)
                | Q(published_at__isnull=True)
                | Q(expires_at__gt=models.F("published_at")),
                name="news_expires_after_publication",
                violation_error_message=_("The post must be hidden after it is published."),
            ),
            models.CheckConstraint(condition=~Q(title=""), name="news_title_not_empty"),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("organizations:news_detail", args=[self.slug])

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.lead_image and not self.lead_image_alt.strip():
            errors["lead_image_alt"] = _("Describe the image (alternative text).")
        if self.category == self.Category.FUNDING and not self.funding_deadline:
            errors["funding_deadline"] = _("A funding call needs its application deadline.")
        if self.expires_at and self.published_at and self.expires_at <= self.published_at:
            errors["expires_at"] = _("The post must be hidden after it is published.")
        if errors:
            raise ValidationError(errors)

    @property
    def is_funding_call(self):
        return self.category == self.Category.FUNDING

    @property
    def deadline_passed(self):
        return bool(self.funding_deadline) and self.funding_deadline < timezone.localdate()


class NewsPostChange(ChangeRecord):
    """History: who wrote, sent, approved, rejected or edited a post, and when."""

    subject_field = "post"

    post = models.ForeignKey(
        NewsPost, verbose_name=_("news post"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("news post change")
        verbose_name_plural = _("news post history")


class NewsAttachment(DownloadableFileMixin, models.Model):
    post = models.ForeignKey(
        NewsPost, verbose_name=_("news post"), on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("title"), max_length=200)
    file = models.FileField(
        _("file"),
        upload_to="news/attachments/%Y/",
        validators=[validate_attachment],
        help_text=_("PDF, DOCX, XLSX or ODT."),
    )
    file_size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["position", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "organizations:news_attachment", args=[self.post.slug, self.pk, self.download_name]
        )
