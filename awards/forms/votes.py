"""The public vote's form: one per category of the edition (each with its own
prefix, so that the page's fields have unique ids)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.services.votes import EMAIL_MAX_LENGTH


def category_prefix(category_id: int) -> str:
    return f"kategoria-{category_id}"


class VoteForm(forms.Form):
    """A vote in one category: the nomination chosen, the voter's e-mail (the link
    to confirm the vote goes there) and the consent of the information clause.
    `nominations`: those on the ballot in the category, in order."""

    nomination = forms.TypedChoiceField(
        label=_("Your choice"),
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the nomination you vote for.")},
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        max_length=EMAIL_MAX_LENGTH,
        help_text=_(
            "We e-mail you a link to confirm the vote; it counts once confirmed. "
            "One vote per address in each category."
        ),
        error_messages={"required": _("Give your e-mail address.")},
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    privacy = forms.BooleanField(
        label=_(
            "I have read the information on personal data processing below and agree to the "
            "processing of my e-mail address for the vote."
        ),
        error_messages={
            "required": _("The vote needs your consent to the processing of your e-mail address.")
        },
    )

    def __init__(self, *args, category, nominations, **kwargs):
        kwargs.setdefault("prefix", category_prefix(category.pk))
        super().__init__(*args, **kwargs)
        self.category = category
        self.nominations = {nomination.pk: nomination for nomination in nominations}
        self.fields["nomination"].choices = [
            (nomination.pk, _label(nomination)) for nomination in nominations
        ]

    def chosen_nomination(self):
        return self.nominations[self.cleaned_data["nomination"]]


def _label(nomination):
    if nomination.school:
        return f"{nomination.public_name} ({nomination.school})"
    return nomination.public_name
