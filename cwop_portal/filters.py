"""The filter forms of the public lists (the directory, the library's catalogue,
consultations): GET forms read from shareable addresses.

An outdated slug or a typo in a link must not become an error page or an error
message: a lenient field treats an invalid value as empty, so the filter is simply
not applied. `ListFilterForm` adds what the searchable lists share: the search box
(`q`, tidied and cut to QUERY_MAX_LENGTH), the order (`sort`, DEFAULT_SORT when
absent or unknown) and `is_filtered`.
"""

from django import forms
from django.core.exceptions import ValidationError

QUERY_MAX_LENGTH = 200


class IgnoreInvalid:
    """A field whose invalid value is treated as empty instead of as an error."""

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            return self.to_python(None)


class LenientChoiceField(IgnoreInvalid, forms.ChoiceField):
    pass


class LenientCharField(IgnoreInvalid, forms.CharField):
    pass


def search_field(label, help_text):
    """The search box of a list, a lenient text field of a bounded length."""
    return LenientCharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.TextInput(
            attrs={"type": "search", "class": "form-control", "maxlength": QUERY_MAX_LENGTH}
        ),
    )


class ListFilterForm(forms.Form):
    """A searchable list's GET form. Every field is optional and an invalid value is
    ignored, so the form is always valid and `cleaned_data` holds only values that
    can be applied. A subclass declares `q` (`search_field`), its filters and `sort`
    (a LenientChoiceField), and sets DEFAULT_SORT."""

    DEFAULT_SORT = ""

    def clean_q(self):
        return " ".join(self.cleaned_data["q"].split())[:QUERY_MAX_LENGTH]

    def clean_sort(self):
        return self.cleaned_data["sort"] or self.DEFAULT_SORT

    @property
    def is_filtered(self):
        """True when a search or a filter (not just the order) narrows the list."""
        return any(self.cleaned_data.get(name) for name in self.fields if name != "sort")
