"""Forms of the trainings pages. The rules live in `consultations.services.trainings`:
the forms collect the people and show the services' messages on the right fields.

A member registers for one of their organisations, one to five people, each by
name and e-mail address (a formset of rows; empty rows are ignored). Anybody else
registers themselves with their name and e-mail address and the RODO consent.
"""

from django import forms
from django.forms import formset_factory
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

MAX_PEOPLE = 5


class PersonForm(forms.Form):
    """One person: both fields, or (in the optional rows) neither."""

    name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        label=_("E-mail address"),
        max_length=254,
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def clean(self):
        data = super().clean()
        name, email = data.get("name"), data.get("email")
        if name and not email and "email" not in self.errors:
            self.add_error("email", _("Give the e-mail address of this person."))
        if email and not name and "name" not in self.errors:
            self.add_error("name", _("Give the name of this person."))
        return data


class BasePeopleFormSet(forms.BaseFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        if i < self.min_num:  # the first row is required, the others optional
            for field in form.fields.values():
                field.required = True
        return form

    def clean(self):
        seen = set()
        for form in self.forms:
            email = getattr(form, "cleaned_data", {}).get("email")
            if not email:
                continue
            if email in seen:
                form.add_error("email", _("This address is already in another row."))
            seen.add(email)

    def people(self):
        """(form, name, email) of the filled-in rows."""
        return [
            (form, form.cleaned_data["name"], form.cleaned_data["email"])
            for form in self.forms
            if form.cleaned_data.get("name") and form.cleaned_data.get("email")
        ]


PeopleFormSet = formset_factory(
    PersonForm,
    formset=BasePeopleFormSet,
    extra=MAX_PEOPLE - 1,
    min_num=1,
    max_num=MAX_PEOPLE,
    absolute_max=MAX_PEOPLE,
    validate_min=True,
    validate_max=True,
)


def _error_summary_item(field, label=None):
    return [(field.id_for_label, label or field.label, error) for error in field.errors]


class MemberRegistrationForm(forms.Form):
    """The organisation; the people are in `self.people` (a formset)."""

    organization = forms.ChoiceField(
        label=_("Organisation"),
        error_messages={"invalid_choice": _("Choose one of your organisations.")},
    )

    def __init__(self, *args, organizations, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.organizations = {str(org.pk): org for org in organizations}
        self.fields["organization"].choices = [(str(org.pk), org.name) for org in organizations]
        if len(organizations) == 1:
            self.fields["organization"].initial = str(organizations[0].pk)
        initial = [{"name": user.get_full_name(), "email": user.email}]
        self.people = PeopleFormSet(
            self.data if self.is_bound else None,
            prefix="person",
            initial=None if self.is_bound else initial,
        )

    def clean_organization(self):
        value = self.cleaned_data["organization"]
        if value not in self.organizations:
            raise forms.ValidationError(_("Choose one of your organisations."))
        return self.organizations[value]

    def clean(self):
        data = super().clean()
        if not self.people.is_valid():
            # The rows' own messages are listed in the error summary one by one.
            raise forms.ValidationError(_("Check the people you register."), code="people_invalid")
        return data

    def error_summary(self):
        """(field id, label, message) of every problem, for the error summary."""
        items = []
        for error in self.non_field_errors().as_data():
            if error.code != "people_invalid":
                items += [(None, None, message) for message in error.messages]
        items += _error_summary_item(self["organization"])
        for error in self.people.non_form_errors():
            items.append((None, None, error))
        for number, form in enumerate(self.people.forms, start=1):
            for name in ("name", "email"):
                label = _("Person %(number)s: %(field)s") % {
                    "number": number,
                    "field": form.fields[name].label,
                }
                items += _error_summary_item(form[name], label)
        return items

    def person_rows(self):
        return list(enumerate(self.people.forms, start=1))

    # Where a service's message about a person goes on this form.
    def add_service_error(self, error, person_form=None):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.error_dict.items():
            if name in ("name", "email") and person_form is not None:
                person_form.add_error(name, messages)
                # The form as a whole shows that something is wrong.
                self.add_error(
                    None,
                    forms.ValidationError(
                        _("Check the people you register."), code="people_invalid"
                    ),
                )
            elif name == "organization":
                self.add_error("organization", messages)
            else:
                self.add_error(None, messages)


class ResidentRegistrationForm(forms.Form):
    """A person registering themselves (an e-mail confirmation follows).

    The honeypot (`HONEYPOT`) is not a form field: the template renders it hidden
    from people and assistive technology; only bots fill it in.
    """

    HONEYPOT = "website"

    name = forms.CharField(
        label=_("Your full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=254,
        help_text=_("We will send the confirmation link and the details of the training here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={"required": _("Tick this box to agree, otherwise we cannot register you.")},
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None and user.is_authenticated and not self.is_bound:
            self.fields["name"].initial = user.get_full_name()
            self.fields["email"].initial = user.email
        self.fields["consent"].label = _(
            "I agree that the NGO Cooperation Centre processes my name and e-mail "
            "address to register me for this training and to write to me about it"
        )
        self.fields["consent"].help_text = format_html(
            '<a href="{}">{}</a>',
            reverse("privacy"),
            _("Privacy policy: who processes your data and what your rights are"),
        )

    def clean_name(self):
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    @property
    def is_bot(self):
        """True when the hidden honeypot field was filled in."""
        return bool(self.data.get(self.HONEYPOT))

    def add_service_error(self, error):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, messages in error.error_dict.items():
            self.add_error(name if name in self.fields else None, messages)


class CancelRegistrationForm(forms.Form):
    """Only a confirmation: the button is the whole form."""
