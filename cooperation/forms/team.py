"""The form residents write to the NGO Consultation Team with (relayed by e-mail)."""

from django import forms
from django.conf import settings
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class TeamContactForm(forms.Form):
    """A resident's message to the Consultation Team, as the directory's contact form.

    The honeypot (`HONEYPOT`) is not a form field: the template renders it hidden
    from people and assistive technology; only bots fill it in.
    """

    HONEYPOT = "website"

    name = forms.CharField(
        label=_("Your name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("The team will reply to this address."),
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
        label=_(
            "I agree that the portal sends my name, e-mail address and message to the "
            "members of the NGO Consultation Team, who then become the controllers of "
            "these data"
        ),
        error_messages={
            "required": _("Tick this box to agree, otherwise we cannot send your message.")
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.retention_days = days = settings.CONTACT_MESSAGE_RETENTION_DAYS
        self.fields["consent"].help_text = format_html(
            '{} <a href="{}">{}</a>',
            ngettext(
                "The team uses them to answer you; the portal deletes its copy after %(days)s day.",
                "The team uses them to answer you; the portal deletes its copy after "
                "%(days)s days.",
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
