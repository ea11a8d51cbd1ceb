"""Advisors, their groups and topics in the admin.

An advisor's weekly rules and exceptions are edited on the advisor's page: the
rules' own validation (end before start, overlapping another rule of the advisor)
shown on the rows, the rows of one form compared with each other, all saved
through `consultations.services.availability` with the advisor's row locked. The
rooms a consultation or a training may take place in are chosen here too
(`CachedRoomChoicesMixin`, also used by the trainings' meetings).
"""

import datetime

from django import forms
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from consultations.forms.advisors import RULE_FIELDS
from consultations.models import (
    Advisor,
    AdvisorGroup,
    AvailabilityException,
    AvailabilityRule,
    Topic,
)
from consultations.services import availability as availability_services
from cwop_portal.admin_helpers import HistoryAdminMixin, ServiceRefusalMixin
from cwop_portal.images import clean_new_image_upload
from cwop_portal.roles import ADVISORS
from rooms.models import Resource


def bookable_rooms():
    """The rooms consultations and trainings may take place in (not board space)."""
    return Resource.objects.exclude(kind=Resource.Kind.BOARD_SPACE).order_by("position", "name_pl")


class CachedRoomChoicesMixin:
    """An inline whose room list is read once per page, not once per row."""

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "room":
            kwargs["queryset"] = bookable_rooms()
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "room" and formfield is not None:
            formfield.choices = list(formfield.choices)
        return formfield


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name_pl", "name_en", "position", "is_active"]
    list_editable = ["position", "is_active"]
    list_filter = ["is_active"]
    ordering = ["position", "name_pl"]
    search_fields = ["name_pl", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_pl"]}


@admin.register(AdvisorGroup)
class AdvisorGroupAdmin(admin.ModelAdmin):
    list_display = ["name_pl", "name_en", "advisor_count"]
    search_fields = ["name_pl", "name_en"]
    prepopulated_fields = {"slug": ["name_pl"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(advisor_total=Count("advisors"))

    @admin.display(description=_("advisors"), ordering="advisor_total")
    def advisor_count(self, obj):
        return obj.advisor_total


class AdvisorForm(forms.ModelForm):
    """A new photo is stored re-encoded, without its metadata; a photo needs its
    alternative text."""

    class Meta:
        model = Advisor
        fields = [
            "name",
            "slug",
            "group",
            "topics",
            "is_active",
            "bio_pl",
            "bio_en",
            "photo",
            "photo_alt",
            "user",
            "is_demo",
        ]

    def clean_photo(self):
        return clean_new_image_upload(self.cleaned_data.get("photo"), field_label="doradca")

    def clean(self):
        cleaned = super().clean()
        photo_alt = (cleaned.get("photo_alt") or "").strip()
        if cleaned.get("photo") and not photo_alt and "photo_alt" not in self.errors:
            self.add_error("photo_alt", _("Describe the photo for people who cannot see it."))
        return cleaned


def _rule_label(data):
    weekday = dict(AvailabilityRule._meta.get_field("weekday").choices).get(data["weekday"], "")
    return f"{weekday} {data['starts']:%H:%M}–{data['ends']:%H:%M}"


class RuleInlineFormSet(BaseInlineFormSet):
    """Each rule's clean() compares it with the advisor's saved rules; this also
    compares the rows of the form with each other (two new rules may overlap)."""

    def clean(self):
        super().clean()
        kept = []
        far = datetime.date.max
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or self._should_delete_form(form):
                continue
            if not all(data.get(name) is not None for name in ("weekday", "starts", "ends")):
                continue
            for other in kept:
                if (
                    other["weekday"] == data["weekday"]
                    and other["starts"] < data["ends"]
                    and data["starts"] < other["ends"]
                    and (data.get("valid_from") or datetime.date.min)
                    <= (other.get("valid_until") or far)
                    and (other.get("valid_from") or datetime.date.min)
                    <= (data.get("valid_until") or far)
                ):
                    form.add_error(
                        "starts",
                        _("These hours overlap another rule in this form: %(rule)s.")
                        % {"rule": _rule_label(other)},
                    )
                    break
            else:
                kept.append(data)


class AvailabilityRuleInline(CachedRoomChoicesMixin, admin.TabularInline):
    model = AvailabilityRule
    formset = RuleInlineFormSet
    fields = RULE_FIELDS
    extra = 0

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("advisor", "room")


class ExceptionInlineFormSet(BaseInlineFormSet):
    """Each exception's clean() compares it with the advisor's saved ones; this also
    compares the rows of the form with each other (two new rows may contradict)."""

    def clean(self):
        super().clean()
        kept = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or form.errors or self._should_delete_form(form):
                continue
            if not data.get("date") or not data.get("kind"):
                continue
            row = AvailabilityException(
                date=data["date"],
                kind=data["kind"],
                starts=data.get("starts"),
                ends=data.get("ends"),
            )
            for other in kept:
                if other.date == row.date and AvailabilityException.contradict(row, other):
                    form.add_error(
                        "starts",
                        _(
                            "This overlaps another entry of the same day in this form "
                            "(%(kind)s, %(when)s)."
                        )
                        % {"kind": other.get_kind_display(), "when": other.describe_times()},
                    )
                    break
            else:
                kept.append(row)


class AvailabilityExceptionInline(CachedRoomChoicesMixin, admin.TabularInline):
    model = AvailabilityException
    formset = ExceptionInlineFormSet
    fields = [
        "date",
        "kind",
        "starts",
        "ends",
        "slot_minutes",
        "buffer_minutes",
        "mode",
        "room",
        "note",
    ]
    extra = 0
    ordering = ["-date", "starts"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("advisor", "room")


@admin.register(Advisor)
class AdvisorAdmin(HistoryAdminMixin, ServiceRefusalMixin, admin.ModelAdmin):
    """The weekly rules and exceptions are saved through
    `consultations.services.availability.availability_save`, as on the advisor's own
    pages: with the advisor's row locked, so two saves at once cannot overlap (and
    recorded in the advisor's history by it)."""

    records_inline_saves = False

    form = AdvisorForm
    list_display = ["name", "group", "user", "is_active", "is_demo"]
    list_filter = ["is_active", "group", "topics", "is_demo"]
    list_select_related = ["group", "user"]
    search_fields = ["name", "slug", "user__email"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["topics"]
    autocomplete_fields = ["user"]
    inlines = [AvailabilityRuleInline, AvailabilityExceptionInline]
    save_on_top = True
    fieldsets = (
        (None, {"fields": ("name", "slug", "group", "topics", "is_active")}),
        (_("Short bio"), {"fields": ("bio_pl", "bio_en")}),
        (_("Photo"), {"fields": ("photo", "photo_alt")}),
        (
            _("Account"),
            {
                "description": _(
                    "An advisor with an account sees their appointments and manages "
                    "their hours at “My account → My consultations”."
                ),
                "fields": ("user",),
            },
        ),
        (_("Demo data"), {"fields": ("is_demo",)}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if obj.user_id and "user" in form.changed_data:
            # The role, as for the centre's staff (cwop_portal.roles).
            group = Group.objects.filter(name=ADVISORS).first()
            if group:
                obj.user.groups.add(group)

    def save_formset(self, request, form, formset, change):
        if formset.model not in (AvailabilityRule, AvailabilityException):
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        availability_services.availability_save(
            advisor=form.instance,
            user=request.user,
            save=[*formset.new_objects, *(row for row, _fields in formset.changed_objects)],
            delete=formset.deleted_objects,
        )
