"""Forms of the public directory: the search/filter form and the contact form."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cwop_portal.filters import LenientChoiceField, ListFilterForm, search_field
from organizations.models import District, FieldOfActivity, TargetGroup
from organizations.models.organization import LegalForm


class DirectoryFilterForm(ListFilterForm):
    """The directory's GET form: search, filters and sort order.

    Every field is optional and an invalid value is ignored, so the form is
    always valid and `cleaned_data` holds only values that can be applied.
    """

    SORT_NAME = "name"
    SORT_UPDATED = "updated"
    DEFAULT_SORT = SORT_NAME

    q = search_field(
        _("Search"), _("A name or words from the description, e.g. seniors, sport, Antoniuk.")
    )
    field = LenientChoiceField(
        label=_("Field of activity"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    group = LenientChoiceField(
        label=_("Target group"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    form = LenientChoiceField(
        label=_("Legal form"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    district = LenientChoiceField(
        label=_("District"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    opp = forms.BooleanField(
        label=_("Only public benefit organisations (OPP)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    volunteers = forms.BooleanField(
        label=_("Only organisations looking for volunteers"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    sort = LenientChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(SORT_NAME, _("Name (A–Z)")), (SORT_UPDATED, _("Most recently updated"))],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query per vocabulary; the same choices validate and render.
        self.fields["field"].choices = [
            ("", _("All fields of activity")),
            *((term.slug, term.name) for term in FieldOfActivity.objects.all()),
        ]
        self.fields["group"].choices = [
            ("", _("All target groups")),
            *((term.slug, term.name) for term in TargetGroup.objects.all()),
        ]
        self.fields["form"].choices = [
            ("", _("All legal forms")),
            *((value, capfirst(label)) for value, label in LegalForm.choices),
        ]
        self.fields["district"].choices = [
            ("", _("All districts")),
            *District.objects.values_list("slug", "name"),
        ]

    def filter(self, queryset):
        """Apply the valid search, filters and order to a queryset of organisations."""
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.search(data["q"])
        # Slugs are unique: each join matches at most one row per organisation.
        if data.get("field"):
            queryset = queryset.filter(fields_of_activity__slug=data["field"])
        if data.get("group"):
            queryset = queryset.filter(target_groups__slug=data["group"])
        if data.get("form"):
            queryset = queryset.filter(legal_form=data["form"])
        if data.get("district"):
            queryset = queryset.filter(district__slug=data["district"])
        if data.get("opp"):
            queryset = queryset.filter(is_opp=True)
        if data.get("volunteers"):
            queryset = queryset.filter(is_looking_for_volunteers=True)
        if data.get("sort") == self.SORT_UPDATED:
            return queryset.order_by("-updated_at", "name", "pk")
        return queryset.order_by("name", "pk")


class ContactForm(forms.Form):
    """A resident's message to an organisation, relayed by e-mail.

    The honeypot (`HONEYPOT`) is not a form field: the template renders it
    hidden from people and assistive technology; only bots fill it in.
    """

    HONEYPOT = "website"

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The organisation will reply to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    message = forms.CharField(
        label=_("Message"),
        max_length=5000,
        help_text=_("Up to 5000 characters."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Tick this box to agree, otherwise we cannot send your message.")
        },
    )

    def __init__(self, *args, organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.organization = organization
        consent = self.fields["consent"]
        consent.label = _(
            "I agree that the portal sends my name, e-mail address and message to "
            "%(organization)s, which then becomes the controller of these data"
        ) % {"organization": organization.name}
        self.retention_days = days = settings.CONTACT_MESSAGE_RETENTION_DAYS
        consent.help_text = format_html(
            '{} <a href="{}">{}</a>',
            ngettext(
                "The organisation uses them to answer you; the portal deletes its copy "
                "after %(days)s day.",
                "The organisation uses them to answer you; the portal deletes its copy "
                "after %(days)s days.",
                days,
            )
            % {"days": days},
            reverse("privacy"),
            _("Privacy policy: who processes your data and what your rights are"),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    @property
    def is_bot(self):
        """True when the hidden honeypot field was filled in."""
        return bool(self.data.get(self.HONEYPOT, "").strip())
