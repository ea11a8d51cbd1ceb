"""The public vote's log in the admin: every vote (cast, confirmed, voided), filters
by edition, state and address range, the staff page of suspicious patterns (many
votes from one address range within minutes), and the action "Void with a reason"
(`awards.services.votes.vote_void`, logged).

Decided here: votes are neither added, changed nor deleted in the admin — a vote
is only voided, with its reason. The list shows the e-mail address partly masked
(the vote's page shows it whole, for a voter who writes to the centre)."""

from urllib.parse import urlencode

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from awards.admin.nominations import EditionFilter
from awards.models import Edition, Vote
from awards.services import votes as services
from cwop_portal.admin_helpers import ServiceActionsMixin, ask_reason

WINDOW_CHOICES = [5, 10, 30, 60]
THRESHOLD_CHOICES = [3, 5, 10, 20]


def masked_email(email):
    """The address partly hidden ("an…a@example.com"): enough to tell addresses
    apart, not to read them."""
    local, _at, domain = (email or "").partition("@")
    shown = local[:1] + "…" if len(local) <= 2 else f"{local[:2]}…{local[-1]}"
    return f"{shown}@{domain}" if domain else shown


class VoteEditionFilter(EditionFilter):
    edition_path = "category__edition"

    def lookups(self, request, model_admin):
        return [
            (str(edition.pk), str(edition))
            for edition in Edition.objects.filter(public_vote=True)
            .select_related("competition")
            .order_by("competition__position", "competition__name_pl", "-year")
        ]


class VoteStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("counted", _("counted (confirmed, not voided)")),
            ("unconfirmed", _("not confirmed")),
            ("voided", _("voided")),
        ]

    def queryset(self, request, queryset):
        value = self.value()
        if value == "counted":
            return queryset.counted()
        if value == "unconfirmed":
            return queryset.filter(confirmed_at__isnull=True, voided_at__isnull=True)
        if value == "voided":
            return queryset.filter(voided_at__isnull=False)
        return queryset


@admin.register(Vote)
class VoteAdmin(ServiceActionsMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "confirmed_at",
        "voided_at",
        "nomination_name",
        "category",
        "edition",
        "network",
        "email_masked",
    ]
    list_select_related = ["nomination", "category__edition__competition"]
    list_filter = [VoteEditionFilter, VoteStateFilter, "is_demo"]
    search_fields = ["=email", "=network"]
    date_hierarchy = "created_at"
    actions = ["void_votes"]
    list_per_page = 100
    fields = [
        "category",
        "nomination",
        "email",
        "network",
        "created_at",
        "confirmed_at",
        "voided_at",
        "voided_by",
        "void_reason",
        "is_demo",
    ]
    readonly_fields = fields
    change_list_template = "awards/votes/admin_change_list.html"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        # A vote's page only shows it; the list's action voids (needs this permission).
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def lookup_allowed(self, lookup, value, request=None):
        # The suspicious page links to one range's votes within a time.
        if lookup in ("network", "created_at__gte", "created_at__lte"):
            return True
        return super().lookup_allowed(lookup, value, request)

    def action_checkbox(self, obj):
        """The row's checkbox, named without the whole e-mail address."""
        label = f"{masked_email(obj.email)} → {obj.nomination.full_name}"
        attrs = {
            "class": "action-select",
            "aria-label": format_html(gettext("Select this object for an action - {}"), label),
        }
        checkbox = forms.CheckboxInput(attrs, lambda value: False)
        return checkbox.render(helpers.ACTION_CHECKBOX_NAME, str(obj.pk))

    @admin.display(description=_("nomination"), ordering="nomination__nominee_last_name")
    def nomination_name(self, vote):
        return vote.nomination.full_name

    @admin.display(description=_("edition"))
    def edition(self, vote):
        return str(vote.category.edition)

    @admin.display(description=_("e-mail address"), ordering="email")
    def email_masked(self, vote):
        return masked_email(vote.email)

    # -- voiding --

    def call_service(self, service, obj, user, **kwargs):
        return service(vote=obj, user=user, **kwargs)

    @admin.action(description=_("Void selected votes with a reason"), permissions=["change"])
    def void_votes(self, request, queryset):
        return ask_reason(
            self,
            request,
            queryset.select_related("nomination"),
            services.vote_void,
            lambda n: (
                ngettext(
                    "%(count)d vote voided; it no longer counts.",
                    "%(count)d votes voided; they no longer count.",
                    n,
                )
                % {"count": n}
            ),
            template="awards/votes/admin_reason.html",
            title=_("Void votes"),
            required_message=_("Give the reason for voiding the votes."),
            intro=_(
                "The votes below will no longer count. The reason is kept with each vote and "
                "in the admin's log; the voters are not e-mailed:"
            ),
            label=_("Reason for voiding"),
            submit=_("Void the votes"),
        )

    # -- suspicious patterns --

    def get_urls(self):
        return [
            path(
                "podejrzane/",
                self.admin_site.admin_view(require_safe(self.suspicious_view)),
                name="awards_vote_suspicious",
            ),
            *super().get_urls(),
        ]

    def suspicious_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        editions = list(
            Edition.objects.filter(public_vote=True)
            .select_related("competition")
            .order_by("competition__position", "competition__name_pl", "-year")
        )
        edition = _chosen(request.GET.get("edition", ""), editions)
        window = _number(request.GET.get("okno", ""), WINDOW_CHOICES, 10)
        threshold = _number(request.GET.get("prog", ""), THRESHOLD_CHOICES, 5)
        groups = (
            services.suspicious_votes(edition, window_minutes=window, threshold=threshold)
            if edition is not None
            else []
        )
        changelist_url = reverse("admin:awards_vote_changelist")
        for group in groups:
            group.list_url = (
                changelist_url
                + "?"
                + urlencode(
                    {
                        "network": group.network,
                        "created_at__gte": group.first.isoformat(),
                        "created_at__lte": group.last.isoformat(),
                    }
                )
            )
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Suspicious votes"),
            "opts": self.model._meta,
            "changelist_url": changelist_url,
            "editions": editions,
            "edition": edition,
            "window": window,
            "threshold": threshold,
            "window_choices": WINDOW_CHOICES,
            "threshold_choices": THRESHOLD_CHOICES,
            "groups": groups,
            "may_void": self.has_change_permission(request),
        }
        return TemplateResponse(request, "awards/votes/admin_suspicious.html", context)


def _chosen(value, editions):
    if editions and not value:
        return editions[0]
    if value.isdigit() and len(value) < 19:
        return next((edition for edition in editions if edition.pk == int(value)), None)
    return None


def _number(value, choices, default):
    return int(value) if value.isdigit() and int(value) in choices else default
