"""The jury's forms: a juror's scores of a nomination (a field per criterion), the
declaration of a conflict of interest, and staff's award of a nomination in the
ranking."""

from django import forms
from django.utils.translation import gettext_lazy as _

from awards.models import Nomination

NOTE_MAX_LENGTH = 500


def criterion_field_name(criterion) -> str:
    return f"criterion_{criterion.pk}"


class ScoreForm(forms.Form):
    """A field per criterion of the edition, from 0 to its highest score. The
    service checks the scale again (a form is not the only way in)."""

    def __init__(self, *args, criteria, **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for criterion in self.criteria:
            self.fields[criterion_field_name(criterion)] = forms.IntegerField(
                label=criterion.name,
                min_value=0,
                max_value=criterion.max_score,
                help_text=_("From 0 to %(max)d points; weight %(weight)d.")
                % {"max": criterion.max_score, "weight": criterion.weight},
                widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
                error_messages={"required": _("Give a score for this criterion.")},
            )

    def values(self) -> dict[int, int]:
        """{criterion pk: score} as the service takes them."""
        return {
            criterion.pk: self.cleaned_data[criterion_field_name(criterion)]
            for criterion in self.criteria
        }


class ConflictForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What the conflict is, in a few words; only the centre's staff see it."),
    )


class AwardForm(forms.Form):
    """Staff's choice in the ranking: laureate, mention or none."""

    nomination = forms.IntegerField(min_value=1, max_value=2**63 - 1, widget=forms.HiddenInput)
    award = forms.ChoiceField(label=_("Award"), choices=Nomination.Award.choices, required=False)
