"""Forms of the members' pages: an organisation's profile and a request to join.

The forms only parse and check what a person typed; the writes (and the model's
own validation) happen in `organizations.services.organizations`.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import model_to_dict
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cwop_portal.images import validate_image_upload
from organizations import identifiers
from organizations.models import Membership, Organization
from organizations.models.organization import FORMS_WITH_KRS, IDENTITY_FIELDS

LOGO_CONTENT_TYPES = "image/jpeg,image/png,image/gif,image/webp"

# The model fields a member edits; they go to the services as `data`.
PROFILE_FIELDS = [
    "name",
    "short_name",
    "legal_form",
    "krs",
    "ordinary_register_number",
    "nip",
    "regon",
    "is_opp",
    "district",
    "street_address",
    "postal_code",
    "city",
    "phone",
    "public_email",
    "show_email",
    "website",
    "facebook_url",
    "instagram_url",
    "description",
    "year_founded",
    "is_looking_for_volunteers",
    "volunteering_description",
]
M2M_FIELDS = ["fields_of_activity", "target_groups"]


def _model_field(name, **kwargs):
    """The form field Django builds from the model field (label, help text, limits)."""
    return Organization._meta.get_field(name).formfield(**kwargs)


class TermMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Checkboxes labelled in the active language (the terms keep Polish and English)."""

    def label_from_instance(self, obj):
        return obj.name


def _numeric(**attrs):
    return forms.TextInput(attrs={"inputmode": "numeric", **attrs})


def _url():
    return forms.TextInput(attrs={"inputmode": "url"})


class OrganizationForm(forms.Form):
    """An organisation's profile, for creating one and for editing it."""

    name = _model_field("name")
    short_name = _model_field("short_name")
    legal_form = _model_field(
        "legal_form",
        choices=[("", pgettext_lazy("legal form", "– choose –")), *Organization.LegalForm.choices],
    )
    # Identifiers accept what people paste (spaces, dashes); the clean_* methods
    # normalise them, so the limits here are looser than the stored lengths.
    krs = _model_field("krs", max_length=20, widget=_numeric())
    ordinary_register_number = _model_field("ordinary_register_number")
    nip = _model_field("nip", max_length=20, widget=_numeric())
    regon = _model_field("regon", max_length=20, widget=_numeric())
    is_opp = _model_field("is_opp")
    fields_of_activity = _model_field(
        "fields_of_activity",
        form_class=TermMultipleChoiceField,
        widget=forms.CheckboxSelectMultiple,
        help_text="",
    )
    target_groups = _model_field(
        "target_groups",
        form_class=TermMultipleChoiceField,
        widget=forms.CheckboxSelectMultiple,
        help_text="",
    )
    description = _model_field("description", widget=forms.Textarea(attrs={"rows": 8}))
    year_founded = _model_field(
        "year_founded", min_value=1800, max_value=2100, widget=_numeric(size=4)
    )
    district = _model_field("district", empty_label=_("not given"))
    street_address = _model_field("street_address")
    postal_code = _model_field(
        "postal_code", max_length=10, help_text=_("For example 15-950."), widget=_numeric()
    )
    city = _model_field("city")
    phone = _model_field("phone", widget=forms.TextInput(attrs={"type": "tel"}))
    public_email = _model_field("public_email")
    show_email = _model_field("show_email")
    # Text inputs (with a fitting keyboard) rather than type="url" and type="number":
    # a wrong value shown again after an error must still be valid HTML.
    website = _model_field("website", assume_scheme="https", widget=_url())
    facebook_url = _model_field("facebook_url", assume_scheme="https", widget=_url())
    instagram_url = _model_field("instagram_url", assume_scheme="https", widget=_url())
    # A plain file field: the services check the image and re-encode it.
    logo = _model_field(
        "logo",
        form_class=forms.FileField,
        max_length=None,  # the stored name comes from the services
        widget=forms.FileInput(attrs={"accept": LOGO_CONTENT_TYPES}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the current logo"), required=False)
    is_looking_for_volunteers = _model_field("is_looking_for_volunteers")
    volunteering_description = _model_field(
        "volunteering_description", widget=forms.Textarea(attrs={"rows": 3})
    )
    confirm_data = forms.BooleanField(
        label=_("I confirm that the data of the organisation is current"),
        required=False,
        help_text=_("The profile shows when the data was last confirmed."),
    )

    def __init__(self, *args, organization=None, **kwargs):
        """`organization` is the profile being edited (None for a new one)."""
        self.organization = organization
        if organization is not None:
            kwargs["initial"] = {
                **model_to_dict(organization, fields=PROFILE_FIELDS + M2M_FIELDS),
                **kwargs.get("initial", {}),
            }
        super().__init__(*args, **kwargs)
        if organization is None or not organization.logo:
            del self.fields["remove_logo"]
        if organization is not None and organization.is_published:
            waits = _("A change is published after the centre approves it.")
            self.fields["name"].help_text = waits
            self.fields["legal_form"].help_text = waits
            self.fields["krs"].help_text = _(
                "Required for associations and foundations. "
                "A change is published after the centre approves it."
            )

    # Identifiers: normalised, with a message on the field that is wrong.

    def clean_krs(self):
        krs = identifiers.clean_krs(self.cleaned_data["krs"])
        if krs:
            self._check_krs_not_taken(krs)
        return krs

    def _check_krs_not_taken(self, krs):
        others = Organization.objects.filter(krs=krs)
        if self.organization is not None:
            others = others.exclude(pk=self.organization.pk)
        existing = others.only("name", "slug", "status").first()
        if existing is None:
            return
        if not existing.is_published:
            # Its profile is not public: neither its name nor a link can be shown.
            raise ValidationError(
                _(
                    "An organisation with this KRS number is already registered in the "
                    "portal, but its profile is not public yet. If you belong to it, ask "
                    "its administrators or the centre's staff to add you."
                ),
                code="duplicate_krs",
            )
        # format_html escapes the name and the addresses; the message stays safe.
        raise ValidationError(
            format_html(
                gettext(
                    'This organisation is already in the directory: <a href="{profile_url}">'
                    '{name}</a>. If you belong to it, <a href="{join_url}">ask to join it</a> '
                    "instead of adding it again."
                ),
                profile_url=existing.get_absolute_url(),
                join_url=reverse("organizations:membership_request", args=[existing.slug]),
                name=existing.name,
            ),
            code="duplicate_krs",
        )

    def clean_nip(self):
        return identifiers.clean_nip(self.cleaned_data["nip"])

    def clean_regon(self):
        return identifiers.clean_regon(self.cleaned_data["regon"])

    def clean_postal_code(self):
        return identifiers.clean_postal_code(self.cleaned_data["postal_code"])

    def clean_logo(self):
        """Check the image here too, so that its problem is listed with the others;
        the services check it again and re-encode it."""
        logo = self.cleaned_data["logo"]
        if logo:
            validate_image_upload(logo)
        return logo

    def clean_year_founded(self):
        year = self.cleaned_data["year_founded"]
        if year and year > timezone.localdate().year:
            raise ValidationError(_("The year founded cannot be in the future."))
        return year

    def clean(self):
        cleaned_data = super().clean()
        legal_form = cleaned_data.get("legal_form")
        # Only when the KRS itself was correct: one message at a time on the field.
        if legal_form in FORMS_WITH_KRS and "krs" in cleaned_data and not cleaned_data["krs"]:
            self.add_error("krs", _("Associations and foundations must give their KRS number."))
        return cleaned_data

    # What the views pass to the services.

    def profile_data(self):
        """The `data` dict of services.organization_create / organization_update."""
        data = {field: self.cleaned_data[field] for field in PROFILE_FIELDS}
        data["krs"] = data["krs"] or None
        if self.cleaned_data.get("confirm_data"):
            data["data_confirmed_on"] = timezone.localdate()
        if self.cleaned_data.get("remove_logo") and not self.cleaned_data.get("logo"):
            data["logo"] = ""
        return data

    def identity_changed(self):
        """Whether the name, legal form or KRS differ from the profile's current ones."""
        if self.organization is None:
            return False
        data = self.profile_data()
        return any(data[field] != getattr(self.organization, field) for field in IDENTITY_FIELDS)


class MembershipRequestForm(forms.Form):
    message = forms.CharField(
        label=_("Message to the administrators (optional)"),
        required=False,
        max_length=Membership._meta.get_field("message").max_length,
        help_text=_(
            "Say who you are in the organisation, so that its administrators recognise you."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
