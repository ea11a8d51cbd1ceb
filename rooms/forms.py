"""Forms of the rooms pages. The rules themselves live in `rooms.services.bookings`: the
forms only turn the typed values into aware datetimes and show the services'
messages on the right fields."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from cwop_portal import params
from cwop_portal.dates import DAY, at
from rooms.models import BookingSeries, Equipment, Resource

MAX_ATTENDEES = 10_000


class EquipmentChoiceField(forms.ModelMultipleChoiceField):
    """Equipment, labelled in the visitor's language."""

    def label_from_instance(self, obj):
        return obj.name


class ResourceFilterForm(forms.Form):
    """The filters of /sale/; invalid values are dropped, never a 500."""

    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("All kinds")), *Resource.Kind.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    capacity = forms.IntegerField(
        label=_("At least this many people"),
        required=False,
        min_value=1,
        max_value=MAX_ATTENDEES,
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )
    equipment = EquipmentChoiceField(
        label=_("Equipment"),
        required=False,
        queryset=Equipment.objects.all(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
    )
    date = forms.DateField(
        label=_("Free on"),
        required=False,
        help_text=_("Without times: free for the whole day."),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )
    time_from = forms.TimeField(
        label=_("from"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M"),
    )
    time_to = forms.TimeField(
        label=_("to"),
        required=False,
        widget=forms.TimeInput(attrs={"type": "time", "class": "form-control"}, format="%H:%M"),
    )

    def clean_date(self):
        day = self.cleaned_data.get("date")
        if day and not params.day_is_shown(day):  # 9999-12-31 + a day overflows
            raise forms.ValidationError(
                _("Choose a date in the years %(first)s–%(last)s."),
                code="out_of_range",
                params={"first": params.FIRST_YEAR, "last": params.LAST_YEAR},
            )
        return day

    def clean(self):
        data = super().clean()
        time_from, time_to = data.get("time_from"), data.get("time_to")
        if data.get("date") and time_from and time_to and time_to <= time_from:
            self.add_error("time_to", _("The end must be later than the start."))
        return data

    def free_interval(self):
        """(start, end) the resources must be free in, or None."""
        data = getattr(self, "cleaned_data", {})
        day = data.get("date")
        if not day:
            return None
        start = data.get("time_from") or datetime.time(0)
        end = data.get("time_to")
        if end and end <= start:
            return None
        return at(day, start), (at(day, end) if end else at(day + DAY, datetime.time(0)))


class BookingForm(forms.Form):
    """A booking of one resource; for board space the dates are whole days."""

    REPEAT_NONE = ""

    organization = forms.ChoiceField(
        label=_("Organisation"),
        error_messages={"invalid_choice": _("Choose one of your organisations.")},
    )
    date = forms.DateField(
        label=_("Date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    start_time = forms.TimeField(
        label=_("Start time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_time = forms.TimeField(
        label=_("End time"),
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    end_date = forms.DateField(
        label=_("Last day"),
        help_text=_("The last day the material stays on the board (inclusive)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    title = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("What the booking is for, e.g. “Board meeting” or “Training for volunteers”."),
    )
    attendees = forms.IntegerField(
        label=_("Expected attendees"),
        min_value=1,
        max_value=MAX_ATTENDEES,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    equipment = EquipmentChoiceField(
        label=_("Equipment you need"),
        required=False,
        queryset=Equipment.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(
        label=_("Notes for the staff"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
    repeat = forms.TypedChoiceField(
        label=_("Repeat"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[(REPEAT_NONE, _("Does not repeat")), *BookingSeries.Frequency.choices],
    )
    until = forms.DateField(
        label=_("Repeat until"),
        required=False,
        help_text=_("The date of the last repetition (inclusive)."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    rules_accepted = forms.BooleanField(
        label=_("I have read the house rules shown on this page and accept them"), required=False
    )

    def __init__(self, *args, resource, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.resource = resource
        self.organizations = {str(org.pk): org for org in organizations}
        self.fields["organization"].choices = [(str(org.pk), org.name) for org in organizations]
        if len(organizations) == 1:
            self.fields["organization"].initial = str(organizations[0].pk)
        self.fields["equipment"].queryset = resource.equipment.all()
        if not resource.equipment.exists():
            del self.fields["equipment"]
        self.fields["attendees"].max_value = resource.capacity
        self.fields["attendees"].widget.attrs["max"] = resource.capacity
        self.fields["attendees"].help_text = _("At most %(capacity)s.") % {
            "capacity": resource.capacity
        }
        if resource.books_whole_days:
            del self.fields["start_time"]
            del self.fields["end_time"]
            self.fields["date"].label = _("First day")
            self.fields["attendees"].label = _("How many posters or leaflet piles")
        else:
            del self.fields["end_date"]
            step = resource.slot_step * 60
            self.fields["start_time"].widget.attrs["step"] = step
            self.fields["end_time"].widget.attrs["step"] = step
        if not resource.house_rules_pl:
            del self.fields["rules_accepted"]

    def clean_organization(self):
        value = self.cleaned_data["organization"]
        if value not in self.organizations:
            raise forms.ValidationError(_("Choose one of your organisations."))
        return self.organizations[value]

    def clean(self):
        data = super().clean()
        if data.get("repeat") and not data.get("until"):
            self.add_error("until", _("Give the date of the last repetition."))
        first, last = data.get("date"), data.get("end_date")
        if self.resource.books_whole_days and first and last and last < first:
            self.add_error("end_date", _("The last day cannot be before the first."))
        return data

    @property
    def times(self):
        """(start, end) as aware datetimes from the cleaned data."""
        data = self.cleaned_data
        if self.resource.books_whole_days:
            return at(data["date"], datetime.time(0)), at(data["end_date"] + DAY, datetime.time(0))
        return at(data["date"], data["start_time"]), at(data["date"], data["end_time"])

    def service_arguments(self):
        data = self.cleaned_data
        start, end = self.times
        return {
            "resource": self.resource,
            "organization": data["organization"],
            "start": start,
            "end": end,
            "title": data["title"],
            "attendees": data["attendees"],
            "equipment": list(data.get("equipment") or []),
            "notes": data.get("notes", ""),
            "rules_accepted": bool(data.get("rules_accepted")) or not self.resource.house_rules_pl,
        }

    # Where a service's message about a field goes on this form.
    FIELD_MAP = {
        "start": "date",
        "end": "end_time",
        "resource": None,
        "frequency": "repeat",
    }

    def add_service_error(self, error):
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            target = self.FIELD_MAP.get(name, name)
            if self.resource.books_whole_days and name == "end":
                target = "end_date"
            if name == "start" and "start_time" in self.fields:
                target = "start_time"
            self.add_error(target if target in self.fields else None, errors)


class CancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "class": "form-control"}),
    )
