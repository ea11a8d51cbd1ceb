"""The awards admin: competitions and their editions (categories, scoring criteria
and jurors inline, the history).

Every write goes through `awards.services.editions`: a competition is saved by
`competition_save`, an edition by `edition_save` (a timeline running backwards is an
error on the field out of order), its results approved and withdrawn by the list's
actions (or the buttons of its page). The edition's page links to its jury progress
and ranking (`awards.admin.jury`) and to its nominations.
"""

from django import forms
from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from awards.admin.jury import jury_admin_urls
from awards.models import Category, Competition, Criterion, Edition, Juror
from awards.services import editions as services
from cwop_portal import venues
from cwop_portal.admin_helpers import (
    HistoryAdminMixin,
    ServiceActionsMixin,
    ServiceDeletionMixin,
    ServiceRefusalMixin,
)
from cwop_portal.dates import format_short_datetime
from cwop_portal.history import form_changes


def _add_problems(form, problems):
    """A service's problems {field: [messages]} on the form's fields (or the whole form)."""
    for name, messages in problems.items():
        target = name if name in form.fields and name not in form.errors else None
        for message in messages:
            form.add_error(target, message)


# --- Competitions ------------------------------------------------------------------------


class CompetitionForm(forms.ModelForm):
    def clean(self):
        cleaned = super().clean()
        trial = Competition(pk=self.instance.pk)
        for field in Competition._meta.concrete_fields:
            if field.name in cleaned:
                setattr(trial, field.attname, cleaned[field.name])
            elif field.name != "id":
                setattr(trial, field.attname, getattr(self.instance, field.attname))
        problems = services.competition_problems(trial)
        _add_problems(self, {k: v for k, v in problems.items() if k not in self.errors})
        return cleaned


@admin.register(Competition)
class CompetitionAdmin(ServiceRefusalMixin, admin.ModelAdmin):
    form = CompetitionForm
    list_display = ["name_pl", "slug", "position", "edition_count"]
    search_fields = ["name_pl", "name_en", "slug"]
    list_filter = ["is_demo"]
    prepopulated_fields = {"slug": ["name_pl"]}
    fieldsets = (
        (None, {"fields": ("name_pl", "name_en", "slug", "organizer", "position")}),
        (_("Description"), {"fields": ("description_pl", "description_en")}),
        (
            _("Who may nominate"),
            {
                "fields": (
                    "nominated_by_residents",
                    "nominated_by_organizations",
                    "nominated_by_schools",
                )
            },
        ),
        (
            _("Who or what may be nominated"),
            {
                "fields": (
                    "nominee_person",
                    "nominee_minor",
                    "nominee_organization",
                    "nominee_initiative",
                    "nominee_place",
                )
            },
        ),
        (None, {"fields": ("is_demo",)}),
    )

    @admin.display(description=_("editions"))
    def edition_count(self, obj):
        return format_html(
            '<a href="{}?competition__id__exact={}">{}</a>',
            reverse("admin:awards_edition_changelist"),
            obj.pk,
            gettext("editions"),
        )

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # A competition with editions is part of the record (they protect it).
        if obj is not None and obj.editions.exists():
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        services.competition_save(competition=obj, user=request.user)


# --- Editions ----------------------------------------------------------------------------


class EditionForm(forms.ModelForm):
    """An edition's form: what `edition_problems` finds is shown on the field out of
    order (the database refuses a backwards timeline too). The ceremony's room is one
    of the centre's rooms (through the base's registry: awards does not use rooms)."""

    ceremony_room_id = forms.TypedChoiceField(
        label=_("room of the centre for the ceremony"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Booked for the centre when the edition is saved (give the ceremony's start and "
            "end); freed when the room or the time changes."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rooms = venues.choices()
        current = self.instance.ceremony_room_id if self.instance.pk else None
        if current is not None and current not in dict(rooms):  # a room no longer offered
            rooms.append((current, venues.name(current) or str(current)))
        self.fields["ceremony_room_id"].choices = [("", "—"), *rooms]

    def clean(self):
        cleaned = super().clean()
        trial = Edition(pk=self.instance.pk)
        for field in Edition._meta.concrete_fields:
            if field.name == "id":
                continue
            if field.name in cleaned:
                setattr(trial, field.name, cleaned[field.name])
            else:
                setattr(trial, field.attname, getattr(self.instance, field.attname, None))
        problems = services.edition_problems(trial)
        # A field already in error (empty, not a date) is not judged again.
        _add_problems(self, {k: v for k, v in problems.items() if k not in self.errors})
        return cleaned


class CategoryInline(admin.TabularInline):
    model = Category
    fields = ["name_pl", "name_en", "description_pl", "description_en", "position"]
    extra = 0
    formfield_overrides = {
        Category._meta.get_field("description_pl").__class__: {
            "widget": forms.Textarea(attrs={"rows": 2, "cols": 40})
        }
    }


class CriterionInline(admin.TabularInline):
    model = Criterion
    fields = ["name_pl", "name_en", "weight", "max_score", "position"]
    extra = 0


class JurorInline(admin.TabularInline):
    """The jury: accounts found by e-mail or name; a juror's categories are chosen
    among the edition's own (none: every category)."""

    model = Juror
    fields = ["user", "is_chair", "categories"]
    autocomplete_fields = ["user"]
    extra = 0

    def get_formset(self, request, obj=None, **kwargs):
        self._edition = obj
        return super().get_formset(request, obj, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "categories":
            edition = getattr(self, "_edition", None)
            kwargs["queryset"] = (
                Category.objects.filter(edition=edition).order_by("position", "name_pl")
                if edition is not None and edition.pk
                else Category.objects.none()
            )
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


@admin.register(Edition)
class EditionAdmin(HistoryAdminMixin, ServiceDeletionMixin, ServiceActionsMixin, admin.ModelAdmin):
    form = EditionForm
    change_form_template = "admin/awards/edition/change_form.html"
    records_admin_saves = False  # edition_save records
    list_display = [
        "__str__",
        "year",
        "status",
        "nominations_open",
        "nominations_close",
        "announcement_at",
        "results_state",
    ]
    list_filter = ["competition", "year", "status", "public_vote", "is_demo"]
    list_select_related = ["competition"]
    search_fields = ["competition__name_pl", "competition__name_en", "year"]
    inlines = [CategoryInline, CriterionInline, JurorInline]
    actions = ["approve_results", "withdraw_results"]
    save_on_top = True
    readonly_fields = ["results_approved_at", "results_approved_by", "links", "created_at"]
    fieldsets = (
        (
            None,
            {
                "description": _(
                    "The results are approved, or their approval withdrawn, with the buttons "
                    "above or the actions of the list of editions. Approved results are "
                    "published on the site at the announcement time."
                ),
                "fields": ("competition", "year", "status", "links"),
            },
        ),
        (
            _("Rules and documents"),
            {"fields": ("rules_pl", "rules_en", "regulations", "consent_form")},
        ),
        (
            _("Timeline"),
            {
                "fields": (
                    "nominations_open",
                    "nominations_close",
                    "formal_check_until",
                    "jury_until",
                    "announcement_at",
                    "ceremony_at",
                    "ceremony_ends_at",
                    "ceremony_room_id",
                    "ceremony_place",
                )
            },
        ),
        (_("Public vote"), {"fields": ("public_vote", "vote_opens", "vote_closes")}),
        (
            _("Nomination form"),
            {"fields": ("ask_description", "ask_achievements", "ask_links", "ask_attachments")},
        ),
        (
            _("Results"),
            {"fields": ("results_approved_at", "results_approved_by", "created_at", "is_demo")},
        ),
    )

    @admin.display(description=_("results"))
    def results_state(self, obj):
        if obj.results_approved_at is None:
            return gettext("not approved")
        return gettext("approved %(when)s") % {
            "when": format_short_datetime(obj.results_approved_at)
        }

    @admin.display(description=_("jury and nominations"))
    def links(self, obj):
        if obj is None or obj.pk is None:
            return gettext("Save the edition first.")
        links = []
        try:  # the nominations' admin (awards.admin.nominations) filtered by the edition
            nominations = reverse("admin:awards_nomination_changelist")
            links.append((f"{nominations}?edition__id__exact={obj.pk}", gettext("Nominations")))
        except NoReverseMatch:
            pass
        links.append(
            (reverse("admin:awards_edition_progress", args=[obj.pk]), gettext("Jury progress"))
        )
        links.append((reverse("admin:awards_edition_ranking", args=[obj.pk]), gettext("Ranking")))
        if obj.status == Edition.Status.PUBLISHED:
            links.append((obj.get_absolute_url(), gettext("Page on the site")))
        return format_html_join(" · ", '<a href="{}">{}</a>', links)

    def get_urls(self):
        return [*jury_admin_urls(self), *super().get_urls()]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def has_delete_permission(self, request, obj=None):
        # An edition with nominations is part of the record (they protect it).
        if obj is not None and obj.nominations.exists():
            return False
        return super().has_delete_permission(request, obj)

    def delete_with_service(self, request, obj):
        services.edition_delete(edition=obj, user=request.user)

    def save_model(self, request, obj, form, change):
        # A refusal (the year taken meanwhile) undoes the page (ServiceRefusalMixin).
        concrete = {field.name for field in obj._meta.concrete_fields}
        services.edition_save(
            edition=obj,
            user=request.user,
            changes=form_changes(form),
            update_fields=(
                [name for name in form.changed_data if name in concrete] if change else None
            ),
        )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None and self.has_change_permission(request, obj):
            buttons = []
            if obj.results_approved_at is None:
                buttons.append(("approve_results", gettext("Approve the results")))
            else:
                buttons.append(("withdraw_results", gettext("Withdraw the results")))
            extra_context["service_buttons"] = buttons
            extra_context["changelist_url"] = reverse("admin:awards_edition_changelist")
        return super().change_view(request, object_id, form_url, extra_context)

    # -- actions --

    def call_service(self, service, obj, user, **kwargs):
        return service(edition=obj, user=user, **kwargs)

    @admin.action(description=_("Approve the results of selected editions"))
    def approve_results(self, request, queryset):
        self.run_service(
            request,
            queryset.select_related("competition"),
            services.edition_results_approve,
            lambda n: (
                ngettext(
                    "The results of %(count)d edition approved.",
                    "The results of %(count)d editions approved.",
                    n,
                )
                % {"count": n}
            ),
        )
        return self._back(request)

    @admin.action(description=_("Withdraw the results of selected editions (to correct them)"))
    def withdraw_results(self, request, queryset):
        self.run_service(
            request,
            queryset.select_related("competition"),
            services.edition_results_withdraw,
            lambda n: (
                ngettext(
                    "The results of %(count)d edition withdrawn.",
                    "The results of %(count)d editions withdrawn.",
                    n,
                )
                % {"count": n}
            ),
        )
        return self._back(request)

    def _back(self, request):
        """A button of an edition's page returns to that page."""
        back = request.POST.get("_back_to", "")
        if back.isdigit() and len(back) < 19:
            return HttpResponseRedirect(reverse("admin:awards_edition_change", args=[int(back)]))
        return None
