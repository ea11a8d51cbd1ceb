"""Editable vocabularies of the directory: fields of activity, target groups, districts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cwop_portal.models import TranslatedFieldsMixin, localized_property


class Term(TranslatedFieldsMixin, models.Model):
    name_pl = models.CharField(_("name (Polish)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    name = localized_property("name")

    class Meta:
        abstract = True
        ordering = ["position", "name_pl"]

    def __str__(self):
        return self.name_pl


class FieldOfActivity(Term):
    """A field of public benefit activity (art. 4 of the act on public benefit activity)."""

    class Meta(Term.Meta):
        verbose_name = _("field of activity")
        verbose_name_plural = _("fields of activity")


class TargetGroup(Term):
    class Meta(Term.Meta):
        verbose_name = _("target group")
        verbose_name_plural = _("target groups")


class District(models.Model):
    """A district (osiedle) of Białystok; its name is the same in every language."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["position", "name"]

    def __str__(self):
        return self.name
