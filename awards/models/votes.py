"""The public vote: one vote per e-mail address per category, counted once the
voter has confirmed it by the link e-mailed to them (double opt-in), unless staff
void it with a reason."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.models.competitions import Category
from awards.models.nominations import Nomination


class VoteQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(confirmed_at__isnull=False, voided_at__isnull=True)


class Vote(models.Model):
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.CASCADE, related_name="votes"
    )
    nomination = models.ForeignKey(
        Nomination, verbose_name=_("nomination"), on_delete=models.CASCADE, related_name="votes"
    )
    # Lower-cased; kept for the one-vote rule and erased with the vote's data.
    email = models.EmailField(_("e-mail address"))
    # The voter's address range (IPv4 /24, IPv6 /48), never the whole address.
    network = models.CharField(_("address range"), max_length=50, blank=True, db_index=True)
    created_at = models.DateTimeField(_("cast"), default=timezone.now, db_index=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    voided_at = models.DateTimeField(_("voided"), null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    void_reason = models.TextField(_("reason for voiding"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = VoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("vote")
        verbose_name_plural = _("votes")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "email"],
                name="vote_once_per_email_and_category",
                violation_error_message=_("This address has already voted in this category."),
            ),
            models.CheckConstraint(
                condition=Q(voided_at__isnull=True) | ~Q(void_reason=""),
                name="vote_void_has_reason",
                violation_error_message=_("Voiding a vote needs its reason."),
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.nomination}"
