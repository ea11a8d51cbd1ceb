"""Forms of the public catalogue and the reader's pages: the search/filter form
(GET, from shareable addresses) and the reservation form."""

from django import forms
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from cwop_portal.filters import LenientChoiceField, ListFilterForm, search_field
from library.models import Book, Subject


class CatalogueFilterForm(ListFilterForm):
    """The catalogue's GET form: search, filters and order.

    Every field is optional and an invalid value is ignored, so the form is always
    valid and `cleaned_data` holds only values that can be applied.
    """

    SORT_TITLE = "title"
    SORT_NEWEST = "newest"
    SORT_YEAR = "year"
    DEFAULT_SORT = SORT_TITLE

    q = search_field(
        _("Search"),
        _(
            "Words from the title, an author, the subject or the publisher, or an ISBN "
            "(with or without dashes), e.g. fundraising, volunteering, 978-83-…"
        ),
    )
    subject = LenientChoiceField(
        label=_("Subject"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    language = LenientChoiceField(
        label=_("Language"),
        required=False,
        choices=[("", _("All languages")), *Book.Language.choices],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    available = forms.BooleanField(
        label=_("Only books available now"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    sort = LenientChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            (SORT_TITLE, _("Title (A–Z)")),
            (SORT_NEWEST, _("Recently added")),
            (SORT_YEAR, _("Year of publication (newest first)")),
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # One query; the same choices validate and render.
        self.fields["subject"].choices = [
            ("", _("All subjects")),
            *((subject.slug, subject.name) for subject in Subject.objects.all()),
        ]

    def filter(self, queryset):
        """Apply the valid search, filters and order to a queryset of books."""
        data = self.cleaned_data
        if data.get("q"):
            queryset = queryset.search(data["q"])
        if data.get("subject"):
            # Slugs are unique: the join matches at most one row per book.
            queryset = queryset.filter(subjects__slug=data["subject"])
        if data.get("language"):
            queryset = queryset.filter(language=data["language"])
        if data.get("available"):
            queryset = queryset.available_now()
        if data.get("sort") == self.SORT_NEWEST:
            return queryset.order_by("-created_at", "-pk")
        if data.get("sort") == self.SORT_YEAR:
            # Books without a year go last.
            return queryset.order_by(F("year").desc(nulls_last=True), "title", "pk")
        return queryset.order_by("title", "pk")


class HoldForm(forms.Form):
    """A reader's reservation of a title, for themselves or for an organisation."""

    organization = forms.ModelChoiceField(
        label=_("Reserve for"),
        queryset=None,
        required=False,
        empty_label=_("myself"),
        help_text=_("Choose your organisation if you borrow the book for its work."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, organizations, **kwargs):
        """`organizations`: a queryset of the organisations the reader may act for,
        or None when they have none (the form then has no field to fill in)."""
        super().__init__(*args, **kwargs)
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].queryset = organizations
            self.fields["organization"].error_messages["invalid_choice"] = _(
                "Choose one of your organisations, or yourself."
            )

    @property
    def has_organizations(self):
        return "organization" in self.fields

    def add_service_error(self, error):
        """Show a service's ValidationError ({"book": ..., "organization": ...})."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)
