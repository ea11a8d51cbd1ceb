"""The nomination form (sending and changing a nomination). It only parses what was
typed: which fields apply to which kind of nominee, and everything else, is decided
by `awards.services.nominations`, whose errors the views put back on these fields
(the field names are the service's)."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from awards.models import Category, Edition, Nomination, NominatorKind, NomineeKind
from awards.services.nominations import MAX_ATTACHMENTS, NominationDetails
from organizations.models import Organization

CONSENT_UPLOAD = "upload"
CONSENT_EMAIL = "email"
FOR_MINOR = _("For a young person only.")


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class NominationForm(forms.Form):
    """A nomination: who sends it, the category, the nominee, the texts the edition
    asks for, attachments, the nominator's contact and the privacy clause.
    `nomination`: the one changed (then who sent it and the clause are not asked)."""

    nominator_kind = forms.ChoiceField(
        label=_("Who nominates"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": _("This competition does not take nominations from them.")
        },
    )
    nominator_organization = forms.TypedChoiceField(
        label=_("On behalf of the organisation"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "For an organisation's nomination only: a published organisation you are an "
            "active member of (sign in first)."
        ),
    )
    category = forms.ModelChoiceField(
        label=_("Category"),
        queryset=Category.objects.none(),
        required=False,
        empty_label=_("Choose the category"),
        error_messages={"invalid_choice": _("Choose one of this edition's categories.")},
    )
    nominee_kind = forms.ChoiceField(
        label=_("Who or what you nominate"),
        widget=forms.RadioSelect,
        required=False,
        error_messages={
            "invalid_choice": _("This competition does not take nominations of this kind.")
        },
    )
    nominee_first_name = forms.CharField(
        label=_("Nominee's first name"),
        max_length=100,
        required=False,
        help_text=_("For a person or a young person."),
    )
    nominee_last_name = forms.CharField(
        label=_("Nominee's surname"),
        max_length=100,
        required=False,
        help_text=_(
            "For a person or a young person. Of a young person only the initial is ever public."
        ),
    )
    nominee_name = forms.CharField(
        label=_("Name of the organisation, initiative or place"),
        max_length=300,
        required=False,
        help_text=_("For an organisation, an initiative or a place."),
    )
    nominee_organization = forms.ModelChoiceField(
        label=_("The organisation in the directory"),
        queryset=Organization.objects.none(),
        required=False,
        empty_label=_("Not in the directory / not chosen"),
        help_text=_("Optional, for an organisation listed in the portal's directory."),
    )
    school = forms.CharField(label=_("School"), max_length=300, required=False, help_text=FOR_MINOR)
    school_class = forms.CharField(
        label=_("Class"), max_length=20, required=False, help_text=FOR_MINOR
    )
    guardian_name = forms.CharField(
        label=_("Parent's or guardian's name"),
        max_length=200,
        required=False,
        help_text=FOR_MINOR,
    )
    guardian_email = forms.EmailField(
        label=_("Parent's or guardian's e-mail"),
        required=False,
        help_text=_(
            "For a young person only: the nomination counts once a parent or guardian consents."
        ),
    )
    consent_route = forms.ChoiceField(
        label=_("The parent's or guardian's consent"),
        widget=forms.RadioSelect,
        required=False,
        choices=[
            (CONSENT_EMAIL, _("Send the parent or guardian an e-mail to confirm")),
            (CONSENT_UPLOAD, _("I upload the consent form they signed")),
        ],
        help_text=FOR_MINOR,
    )
    consent_file = forms.FileField(
        label=_("Signed consent form"),
        required=False,
        help_text=_("For a young person, when you upload the form: PDF, DOC, DOCX, ODT or RTF."),
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why they deserve the award. Up to 5000 characters."),
    )
    description = forms.CharField(
        label=_("Description of the nominee"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    achievements = forms.CharField(
        label=_("Achievements"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    links = forms.CharField(
        label=_("Links"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Addresses of pages about the nominee, one per line."),
    )
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_(
            "Up to %(count)d files: documents (PDF, DOC, DOCX, ODT…) or images (JPEG, PNG, "
            "GIF, WebP)."
        )
        % {"count": MAX_ATTACHMENTS},
    )
    remove_attachments = forms.TypedMultipleChoiceField(
        label=_("Remove attachments"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )
    nominator_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    nominator_email = forms.EmailField(
        label=_("Your e-mail address"),
        required=False,
        help_text=_("We send the confirmation and the outcome of the formal check here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    nominator_phone = forms.CharField(
        label=_("Your phone (optional)"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel"}),
    )
    nominator_institution = forms.CharField(
        label=_("School or institution"),
        max_length=300,
        required=False,
        help_text=_("Required when a school nominates: the school's name."),
    )
    privacy_consent = forms.BooleanField(
        label=_(
            "I agree to the processing of the personal data in this nomination by the NGO "
            "Cooperation Centre to run the competition"
        ),
        required=False,
    )

    def __init__(self, *args, edition: Edition, organizations=(), nomination=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.edition = edition
        self.nomination = nomination
        competition = edition.competition
        self.fields["category"].queryset = Category.objects.filter(edition=edition).order_by(
            "position", "name_pl"
        )
        self.fields["nominee_kind"].choices = [
            (kind, capfirst(NomineeKind(kind).label)) for kind in competition.nominee_kinds
        ]
        if NomineeKind.ORGANIZATION in competition.nominee_kinds:
            self.fields["nominee_organization"].queryset = (
                Organization.objects.published().only("pk", "name", "slug").order_by("name")
            )
        else:
            del self.fields["nominee_organization"]
        if NomineeKind.MINOR not in competition.nominee_kinds:
            for name in (
                "school",
                "school_class",
                "guardian_name",
                "guardian_email",
                "consent_route",
                "consent_file",
            ):
                del self.fields[name]
        elif edition.consent_form:
            self.fields["consent_file"].help_text = format_html(
                '{} <a href="{}">{}</a>',
                self.fields["consent_file"].help_text,
                document_url(edition, "zgoda", edition.consent_form),
                _("Download the consent form to sign"),
            )
        for name, asked in (
            ("description", edition.ask_description),
            ("achievements", edition.ask_achievements),
            ("links", edition.ask_links),
            ("attachments", edition.ask_attachments),
        ):
            if not asked:
                del self.fields[name]
        if nomination is not None:
            for name in (
                "nominator_kind",
                "nominator_organization",
                "nominator_email",
                "privacy_consent",
            ):
                del self.fields[name]
            attachments = list(nomination.attachments.all())
            if attachments and "attachments" in self.fields:
                self.fields["remove_attachments"].choices = [
                    (attachment.pk, str(attachment)) for attachment in attachments
                ]
            else:
                del self.fields["remove_attachments"]
            if "consent_route" in self.fields and nomination.consent_at is not None:
                self.fields["consent_route"].help_text = _(
                    "The consent has been given. Choose only to replace it."
                )
            return
        del self.fields["remove_attachments"]
        self.organizations = {str(org.pk): org for org in organizations}
        self.fields["nominator_kind"].choices = [
            (kind, capfirst(NominatorKind(kind).label)) for kind in competition.nominator_kinds
        ]
        if NominatorKind.ORGANIZATION in competition.nominator_kinds:
            self.fields["nominator_organization"].choices = [
                ("", _("Choose the organisation")),
                *((org.pk, org.name) for org in organizations),
            ]
        else:
            del self.fields["nominator_organization"]
        if NominatorKind.SCHOOL not in competition.nominator_kinds:
            self.fields["nominator_institution"].help_text = ""
        self.fields["privacy_consent"].help_text = format_html(
            '<a href="{}">{}</a>',
            reverse("privacy"),
            _("Privacy policy: who processes your data and what your rights are"),
        )

    # The choices are checked by the service; an unknown one is reported on its field.
    def clean_nominee_kind(self):
        return self.cleaned_data.get("nominee_kind") or ""

    def chosen_organization(self):
        pk = self.cleaned_data.get("nominator_organization")
        return self.organizations.get(str(pk)) if pk is not None else None

    def details(self) -> NominationDetails:
        data = self.cleaned_data
        names = [
            "nominee_first_name",
            "nominee_last_name",
            "nominee_name",
            "school",
            "school_class",
            "guardian_name",
            "guardian_email",
            "justification",
            "description",
            "achievements",
            "links",
            "nominator_name",
            "nominator_email",
            "nominator_phone",
            "nominator_institution",
        ]
        details: NominationDetails = {name: data.get(name, "") or "" for name in names}  # type: ignore[misc]
        details["nominee_organization"] = data.get("nominee_organization")
        return details

    def consent_arguments(self):
        """consent_file and consent_by_email for the service."""
        route = self.cleaned_data.get("consent_route") or ""
        upload = self.cleaned_data.get("consent_file")
        if route == CONSENT_EMAIL:
            return {"consent_file": None, "consent_by_email": True}
        if route == CONSENT_UPLOAD and not upload:
            self.add_error("consent_file", _("Choose the file of the signed consent form."))
        return {"consent_file": upload or None, "consent_by_email": False}

    @classmethod
    def initial_of(cls, nomination: Nomination):
        return {
            "category": nomination.category_id,
            "nominee_kind": nomination.nominee_kind,
            **{
                name: getattr(nomination, name)
                for name in (
                    "nominee_first_name",
                    "nominee_last_name",
                    "nominee_name",
                    "school",
                    "school_class",
                    "guardian_name",
                    "guardian_email",
                    "justification",
                    "description",
                    "achievements",
                    "links",
                    "nominator_name",
                    "nominator_phone",
                    "nominator_institution",
                )
            },
            "nominee_organization": nomination.nominee_organization_id,
        }


def document_url(edition: Edition, kind: str, stored) -> str:
    """The public address of the edition's regulations ("regulamin") or consent
    form ("zgoda")."""
    return reverse(
        "awards:edition_document",
        args=[edition.competition.slug, edition.year, kind, stored.name.rsplit("/", 1)[-1]],
    )
