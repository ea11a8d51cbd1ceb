"""Forms of the advisor's own pages (/konto/doradztwo/): weekly hours, exceptions
and the private notes of an appointment.

The rules themselves live in the models' clean() (end after start, a room for
consultations in person, no overlap with another rule of the same advisor): the
forms set the advisor on the instance first, so those errors land on their fields.
"""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from consultations.models import (
    BUFFER_MINUTES_MAX,
    SLOT_MINUTES_MAX,
    SLOT_MINUTES_MIN,
    AvailabilityException,
    AvailabilityRule,
)
from rooms.models import Resource

NOTES_MAX_LENGTH = 10_000

TIME_WIDGET = {"attrs": {"type": "time"}, "format": "%H:%M"}
DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}


# A weekly rule's fields, in the order both its forms show them (the advisor's own
# page and the admin's inline).
RULE_FIELDS = [
    "weekday",
    "starts",
    "ends",
    "slot_minutes",
    "buffer_minutes",
    "mode",
    "room",
    "valid_from",
    "valid_until",
]


class RoomChoiceField(forms.ModelChoiceField):
    """Rooms, labelled in the visitor's language."""

    def label_from_instance(self, obj):
        return obj.name


def _rooms(current=None):
    """Active rooms (not board space), and the row's current room even if inactive."""
    available = Q(is_active=True) & ~Q(kind=Resource.Kind.BOARD_SPACE)
    if current:
        available |= Q(pk=current)
    return Resource.objects.filter(available).order_by("position", "name_pl")


class AdvisorOwnedForm(forms.ModelForm):
    """A row of one advisor: the advisor is set before validation (not a field)."""

    def __init__(self, *args, advisor, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.advisor = advisor
        room = self.fields["room"]
        room.queryset = _rooms(self.instance.room_id)
        room.empty_label = _("— none —")
        for name in ("starts", "ends"):
            self.fields[name].widget = forms.TimeInput(**TIME_WIDGET)
        # The models' limits, checked here first (a huge number never reaches the
        # database) and given to the browser.
        limits = {
            "slot_minutes": (SLOT_MINUTES_MIN, SLOT_MINUTES_MAX),
            "buffer_minutes": (0, BUFFER_MINUTES_MAX),
        }
        for name, (low, high) in limits.items():
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update({"inputmode": "numeric", "min": low, "max": high})


class AvailabilityRuleForm(AdvisorOwnedForm):
    room = RoomChoiceField(
        label=_("Room"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("For consultations in person: the room they take place in."),
    )

    class Meta:
        model = AvailabilityRule
        fields = RULE_FIELDS
        help_texts = {
            "valid_until": _("Leave empty if the hours have no end date."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("valid_from", "valid_until"):
            self.fields[name].widget = forms.DateInput(**DATE_WIDGET)
        # The model's default is a callable (today): Django would add a hidden
        # "initial" input, which then carries aria attributes (invalid HTML).
        self.fields["valid_from"].show_hidden_initial = False


class AvailabilityExceptionForm(AdvisorOwnedForm):
    room = RoomChoiceField(
        label=_("Room"),
        queryset=Resource.objects.none(),
        required=False,
        help_text=_("For extra consultations in person: the room they take place in."),
    )

    class Meta:
        model = AvailabilityException
        fields = [
            "date",
            "kind",
            "starts",
            "ends",
            "slot_minutes",
            "buffer_minutes",
            "mode",
            "room",
            "note",
        ]
        help_texts = {
            "starts": _("A day off without times is the whole day."),
            "note": _("For yourself and the centre's staff; clients do not see it."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].widget = forms.DateInput(**DATE_WIDGET)


class NotesForm(forms.Form):
    private_notes = forms.CharField(
        label=_("Private notes"),
        required=False,
        max_length=NOTES_MAX_LENGTH,
        help_text=_("Never shown to the client."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )
