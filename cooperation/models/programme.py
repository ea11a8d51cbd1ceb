"""The yearly City–NGO Cooperation Programme: its document, priorities and the
report the centre publishes on it (its figures are computed from the portal)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.models import DownloadableFileMixin, TranslatedFieldsMixin, localized_property
from cwop_portal.validators import validate_document_file


class ProgrammeYear(DownloadableFileMixin, TranslatedFieldsMixin, models.Model):
    """One year's programme. Its report figures are computed for the calendar
    year; the year's page is public once `is_published`, its report once
    `report_published`."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    title_pl = models.CharField(_("title (Polish)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    resolution = models.CharField(
        _("adopted by"),
        max_length=300,
        blank=True,
        help_text=_(
            "For example “Uchwała nr XII/145/26 Rady Miasta Białystok z 30 listopada 2026 r.”"
        ),
    )
    file = models.FileField(
        _("programme document"),
        upload_to="cooperation/programme/",
        blank=True,
        validators=[validate_document_file],
        help_text=_("PDF, DOC, DOCX, ODT, RTF, XLS, XLSX, ODS, CSV or TXT."),
    )
    file_size = models.PositiveBigIntegerField(_("size in bytes"), editable=False, default=0)
    summary_pl = models.TextField(_("summary (Polish)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    priorities_pl = models.TextField(
        _("priorities (Polish)"),
        blank=True,
        help_text=_("One priority per line, or Markdown with a list."),
    )
    priorities_en = models.TextField(_("priorities (English)"), blank=True)
    report_note_pl = models.TextField(
        _("comment to the report (Polish)"),
        blank=True,
        help_text=_("Shown with the year's figures (Markdown)."),
    )
    report_note_en = models.TextField(_("comment to the report (English)"), blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    report_published = models.BooleanField(_("report published"), default=False)
    # The report's figures as published: computed when the report is published or
    # refreshed (cooperation.services.programme), so later data does not change them.
    figures = models.JSONField(_("published figures"), default=dict, blank=True, editable=False)
    figures_computed_at = models.DateTimeField(
        _("figures computed"), null=True, blank=True, editable=False
    )
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)

    class Meta:
        verbose_name = _("Cooperation Programme year")
        verbose_name_plural = _("Cooperation Programme years")
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(title_pl=""), name="programme_year_title_pl_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(is_published=True) | Q(report_published=False),
                name="programme_year_report_needs_published_year",
                violation_error_message=_("Publish the year before its report."),
            ),
        ]

    def __str__(self):
        return self.title_pl

    title = localized_property("title")
    summary = localized_property("summary")
    priorities = localized_property("priorities")
    report_note = localized_property("report_note")

    def get_absolute_url(self):
        return reverse("cooperation:programme_year", args=[self.year])


class ProgrammeYearChange(ChangeRecord):
    """History of a programme year."""

    subject_field = "programme_year"
    action_labels = {
        "report_published": pgettext_lazy("history", "report published"),
        "report_refreshed": pgettext_lazy("history", "report figures computed again"),
        "report_withdrawn": pgettext_lazy("history", "report withdrawn"),
    }

    programme_year = models.ForeignKey(
        ProgrammeYear,
        verbose_name=_("Cooperation Programme year"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of a programme year")
        verbose_name_plural = _("history of the programme year")
