"""Forms of the consultation pages. The rules live in `consultations.services.appointments`; the
forms collect the values and show the services' messages on the right fields."""

from django import forms
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from consultations.slots import parse_start
from cwop_portal.filters import LenientChoiceField

PHONE_CHARACTERS = set("0123456789 +-()/")


class OfferFilterForm(forms.Form):
    """The filters of /konsultacje/: a topic and an advisor or a group of advisors."""

    temat = LenientChoiceField(
        label=_("Topic"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    doradca = LenientChoiceField(
        label=_("Advisor or team"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, topics, offers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["temat"].choices = [
            ("", _("All topics")),
            *((topic.slug, topic.name) for topic in topics),
        ]
        self.fields["doradca"].choices = [
            ("", _("All advisors")),
            *((offer.slug, offer.name) for offer in offers),
        ]


class AppointmentForm(forms.Form):
    """Booking one slot. Members of a published organisation book for it (their
    name and e-mail come from the account); anybody else gives their details and
    confirms the e-mail address.

    The honeypot (`HONEYPOT`) is not a form field: the template renders it hidden
    from people and assistive technology; only bots fill it in."""

    HONEYPOT = "website"

    start = forms.CharField(widget=forms.HiddenInput)
    organization = forms.ChoiceField(
        label=_("Organisation"),
        help_text=_("The organisation you book the consultation for."),
        error_messages={"invalid_choice": _("Choose one of your organisations.")},
    )
    client_name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    client_email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send the link to confirm the appointment there."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    client_phone = forms.CharField(
        label=_("Phone (optional)"),
        required=False,
        max_length=40,
        help_text=_("For a consultation by phone, or if the advisor needs to reach you."),
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    client_organization_name = forms.CharField(
        label=_("Organisation or initiative group (optional)"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    topic = forms.ChoiceField(
        label=_("Topic"),
        error_messages={"invalid_choice": _("Choose one of the topics this advisor consults on.")},
    )
    question = forms.CharField(
        label=_("Your question in brief"),
        max_length=3000,
        help_text=_(
            "A few sentences, so that the advisor can prepare. Up to 3000 characters. "
            "Do not write sensitive data (health, beliefs) here."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent = forms.BooleanField(
        required=True,
        error_messages={
            "required": _("Tick this box to agree, otherwise we cannot book the appointment.")
        },
    )

    def __init__(
        self, *args, advisor, topics, organizations=(), user=None, by_phone=False, **kwargs
    ):
        super().__init__(*args, **kwargs)
        if by_phone:
            phone = self.fields["client_phone"]
            phone.required = True
            phone.label = _("Phone")
            phone.help_text = _("The advisor calls you at this number.")
            phone.error_messages["required"] = _(
                "This consultation is by phone: give the number the advisor should call."
            )
        self.advisor = advisor
        self.topics = {topic.slug: topic for topic in topics}
        self.organizations = {str(org.pk): org for org in organizations}
        self.fields["topic"].choices = [("", _("Choose a topic")), *self._topic_choices()]
        if len(self.topics) == 1:
            self.fields["topic"].initial = next(iter(self.topics))
        if self.organizations:
            self.fields["organization"].choices = [
                (pk, org.name) for pk, org in self.organizations.items()
            ]
            if len(self.organizations) == 1:
                self.fields["organization"].initial = next(iter(self.organizations))
            for name in ("client_name", "client_email", "client_organization_name"):
                del self.fields[name]
        else:
            del self.fields["organization"]
            if user is not None and user.is_authenticated:
                self.fields["client_name"].initial = user.get_full_name()
                self.fields["client_email"].initial = user.email
        consent = self.fields["consent"]
        consent.label = _(
            "I agree that the NGO Cooperation Centre processes the data I give here to "
            "arrange the consultation"
        )
        consent.help_text = format_html(
            '{} <a href="{}">{}</a>',
            _(
                "The centre and the advisor use them only for this consultation and the "
                "centre's statistics; see the information below."
            ),
            reverse("privacy"),
            _("Privacy policy: who processes your data and what your rights are"),
        )

    def _topic_choices(self):
        return [(slug, topic.name) for slug, topic in self.topics.items()]

    @property
    def is_bot(self):
        """True when the hidden honeypot field was filled in."""
        return bool(self.data.get(self.HONEYPOT, "").strip())

    def clean(self):
        data = super().clean()
        # "start" is hidden: its problem is shown at the top of the form.
        for message in self._errors.pop("start", []):
            self.add_error(None, message)
        return data

    def clean_start(self):
        start = parse_start(self.cleaned_data["start"])
        if start is None:
            raise forms.ValidationError(_("Choose a time from the list of free slots."))
        return start

    def clean_topic(self):
        return self.topics[self.cleaned_data["topic"]]

    def clean_organization(self):
        value = self.cleaned_data["organization"]
        if value not in self.organizations:
            raise forms.ValidationError(_("Choose one of your organisations."))
        return self.organizations[value]

    def clean_client_name(self):
        return " ".join(self.cleaned_data["client_name"].split())

    def clean_client_phone(self):
        phone = " ".join(self.cleaned_data["client_phone"].split())
        if phone and (not set(phone) <= PHONE_CHARACTERS or sum(c.isdigit() for c in phone) < 6):
            raise forms.ValidationError(
                _("Give the phone number in digits, e.g. 85 123 45 67 or +48 600 100 200.")
            )
        return phone

    def service_arguments(self, user):
        data = self.cleaned_data
        arguments = {
            "advisor": self.advisor,
            "topic": data["topic"],
            "start": data["start"],
            "question": data["question"],
            "consent": data["consent"],
            "client_phone": data.get("client_phone", ""),
            "user": user if user is not None and user.is_authenticated else None,
        }
        if self.organizations:
            organization = data["organization"]
            arguments.update(
                organization=organization,
                client_name=user.get_full_name() or user.email,
                client_email=user.email,
                client_organization_name=organization.name,
            )
        else:
            arguments.update(
                client_name=data["client_name"],
                client_email=data["client_email"],
                client_organization_name=data.get("client_organization_name", ""),
            )
        return arguments

    def add_service_error(self, error):
        """A service's ValidationError({field: [messages]}) onto this form's fields;
        the slot ("start", a hidden field) goes to the top of the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            target = name if name in self.fields and name != "start" else None
            self.add_error(target, errors)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
