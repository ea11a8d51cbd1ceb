"""Periods of whole months, as the staff's reports count them.

A report covers the months from a first to a last one (both included, the centre's
time); `PeriodForm` reads them from the address: a year (`rok`), or a range of months
(`od`, `do`, as YYYY-MM), which wins; the current year when neither is given.
`MonthRange` is what a report built on such a period has in common: its months and
how they are written.
"""

import datetime
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cwop_portal import params
from cwop_portal.dates import add_months, local_today

# The longest range of months one report covers.
MAX_MONTHS = 60


def months_apart(first: datetime.date, last: datetime.date) -> int:
    """How many months the month of `last` comes after the month of `first`."""
    return (last.year - first.year) * 12 + last.month - first.month


def months_between(first_month: datetime.date, last_month: datetime.date) -> list[datetime.date]:
    """The first days of the months from the month of `first_month` to the month of
    `last_month`, both included."""
    return [add_months(first_month, n) for n in range(months_apart(first_month, last_month) + 1)]


@dataclass
class MonthRange:
    """A report's months: the first and last (first days) and every one between."""

    first_month: datetime.date
    last_month: datetime.date
    months: list

    @property
    def month_labels(self) -> list[str]:
        return [f"{month:%Y-%m}" for month in self.months]

    @property
    def period_label(self) -> str:
        if self.first_month == self.last_month:
            return f"{self.first_month:%Y-%m}"
        return f"{self.first_month:%Y-%m} – {self.last_month:%Y-%m}"


class PeriodForm(forms.Form):
    """The period of a report: a year, or a range of months (which wins)."""

    rok = forms.IntegerField(
        label=_("Year"),
        required=False,
        min_value=params.FIRST_YEAR,
        max_value=params.LAST_YEAR,
    )
    od = forms.CharField(
        label=_("From month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-01"}),
    )
    do = forms.CharField(
        label=_("To month"),
        required=False,
        max_length=7,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2025-12"}),
        help_text=_("A range of months, e.g. 2025-01 to 2025-12, takes precedence over the year."),
    )

    @staticmethod
    def _month(value):
        if not value:
            return None
        try:
            month = datetime.date.fromisoformat(f"{value.strip()}-01")
        except ValueError:
            month = None
        if month is None or not params.day_is_shown(month):
            raise ValidationError(_("Enter a month as YYYY-MM, e.g. 2025-03."))
        return month

    def clean_od(self):
        return self._month(self.cleaned_data.get("od"))

    def clean_do(self):
        return self._month(self.cleaned_data.get("do"))

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("od"), cleaned.get("do")
        if self.errors:
            return cleaned
        if bool(first) != bool(last):
            self.add_error("od" if not first else "do", _("Give both months, or neither."))
        elif first and last:
            if last < first:
                self.add_error("do", _("The last month cannot be before the first."))
            elif months_apart(first, last) >= MAX_MONTHS:
                self.add_error(
                    "do", _("At most %(months)s months at a time.") % {"months": MAX_MONTHS}
                )
        return cleaned

    def period(self) -> tuple[datetime.date, datetime.date]:
        """(first month, last month); the current year unless chosen otherwise."""
        data = self.cleaned_data
        if data.get("od") and data.get("do"):
            return data["od"], data["do"]
        year = data.get("rok") or local_today().year
        return datetime.date(year, 1, 1), datetime.date(year, 12, 1)

    def query(self) -> dict[str, str]:
        """The period as the address gave it (for the download links)."""
        return {k: v for k, v in self.data.items() if k in self.base_fields and v}
