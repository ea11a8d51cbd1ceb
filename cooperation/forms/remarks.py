"""The forms of the public side of public consultations: the list's filters, the
remark form, and the member's e-mail settings."""

from django import forms
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cooperation.models import Provision, PublicConsultation
from cooperation.services.remarks import TEXT_MAX_LENGTH
from cwop_portal.filters import LenientChoiceField, ListFilterForm, search_field
from organizations.models import FieldOfActivity

GENERAL = ""
AS_RESIDENT = "resident"


class ProvisionField(forms.TypedChoiceField):
    """A provision of the consultation or "" (a general remark). Any provision's
    number is taken, so that a provision of another consultation reaches the
    service, which refuses it (the page answers 400: only a forged form sends it)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, coerce=int, empty_value=None, **kwargs)

    def valid_value(self, value):
        return value in ("", None) or str(value).isdigit() and len(str(value)) < 12

    def clean(self, value):
        pk = super().clean(value)
        if pk is None:
            return None
        provision = Provision.objects.filter(pk=pk).first()
        if provision is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"],
                code="invalid_choice",
                params={"value": value},
            )
        return provision


class RemarkForm(forms.Form):
    """A remark: on whose behalf (only when it is sent), the provision, the proposed
    wording and the justification. `provisions`: the consultation's, in order;
    `organizations`: those the person may remark for (None: an edit)."""

    organization = forms.ChoiceField(
        label=_("Sent on behalf of"),
        help_text=_("An organisation you are an active member of in the directory."),
    )
    provision = ProvisionField(
        label=_("Provision"),
        required=False,
        help_text=_("The provision of the draft act the remark concerns, or a general remark."),
    )
    proposed_wording = forms.CharField(
        label=_("Proposed wording"),
        required=False,
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "How the provision should read; leave empty to propose deleting it or for a "
            "general remark."
        ),
    )
    justification = forms.CharField(
        label=_("Justification"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Why the change is needed."),
    )

    def __init__(self, *args, provisions, organizations=None, residents_may_remark=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provision"].choices = [
            (GENERAL, _("General remark (the whole act)")),
            *((provision.pk, provision.label) for provision in provisions),
        ]
        if organizations is None:
            del self.fields["organization"]
            return
        choices = [(str(organization.pk), organization.name) for organization in organizations]
        if residents_may_remark:
            choices.append((AS_RESIDENT, _("Myself, as a resident")))
            self.fields["organization"].help_text = _(
                "An organisation you are an active member of in the directory, or yourself "
                "as a resident."
            )
        self.fields["organization"].choices = choices
        self.organizations = {str(organization.pk): organization for organization in organizations}

    def chosen_organization(self):
        """The organisation chosen (None: as a resident)."""
        return self.organizations.get(self.cleaned_data["organization"])


class ConsultationAlertsForm(forms.Form):
    """A box per organisation of the member: e-mail me about public consultations."""

    def __init__(self, *args, organizations, opted_out, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = list(organizations)
        for organization in self.organizations:
            self.fields[f"org_{organization.pk}"] = forms.BooleanField(
                label=organization.name,
                required=False,
                initial=organization.pk not in opted_out,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    def choices(self):
        """(organisation, receive) for each organisation."""
        return [
            (organization, bool(self.cleaned_data.get(f"org_{organization.pk}")))
            for organization in self.organizations
        ]


class ConsultationFilterForm(ListFilterForm):
    """The GET form of the list of public consultations: words of the title, the
    year, a field of activity, the state, the order. Invalid values are ignored (see
    `cwop_portal.filters`)."""

    SORT_PHASE = "stan"
    SORT_NEWEST = "najnowsze"
    DEFAULT_SORT = SORT_PHASE

    q = search_field(_("Search"), _("Words from the title or the office, e.g. programme."))

    rok = LenientChoiceField(
        label=_("Year"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    dziedzina = LenientChoiceField(
        label=_("Field of activity"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    stan = LenientChoiceField(
        label=_("State"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )

    sort = LenientChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (SORT_PHASE, _("Open first, then upcoming, then closed")),
            (SORT_NEWEST, _("Newest first")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    PHASES = [
        PublicConsultation.Phase.OPEN,
        PublicConsultation.Phase.UPCOMING,
        PublicConsultation.Phase.CLOSED,
        PublicConsultation.Phase.REPORTED,
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        years = PublicConsultation.objects.public().dates("start", "year", order="DESC")
        self.fields["rok"].choices = [
            ("", _("All years")),
            *((str(day.year), str(day.year)) for day in years),
        ]
        self.fields["dziedzina"].choices = [
            ("", _("All fields of activity")),
            *((term.slug, term.name) for term in FieldOfActivity.objects.all()),
        ]
        self.fields["stan"].choices = [
            ("", _("All states")),
            *((phase.value, capfirst(phase.label)) for phase in self.PHASES),
        ]

    def filter(self, queryset, now):
        data = self.cleaned_data
        for word in data.get("q", "").split()[:10]:
            queryset = queryset.filter(
                Q(title_pl__icontains=word)
                | Q(title_en__icontains=word)
                | Q(office__icontains=word)
            )
        if data.get("rok"):
            queryset = queryset.filter(start__year=int(data["rok"]))
        if data.get("dziedzina"):
            queryset = queryset.filter(fields_of_activity__slug=data["dziedzina"])
        state = data.get("stan")
        open_ = Q(status=PublicConsultation.Status.OPEN)
        if state == PublicConsultation.Phase.OPEN:
            queryset = queryset.filter(open_, start__lte=now, end__gt=now)
        elif state == PublicConsultation.Phase.UPCOMING:
            queryset = queryset.filter(open_, start__gt=now)
        elif state == PublicConsultation.Phase.CLOSED:
            queryset = queryset.filter(open_, end__lte=now)
        elif state == PublicConsultation.Phase.REPORTED:
            queryset = queryset.filter(status=PublicConsultation.Status.REPORT_PUBLISHED)
        if data.get("sort") == self.SORT_NEWEST:
            return queryset.order_by("-start", "-pk")
        return queryset
