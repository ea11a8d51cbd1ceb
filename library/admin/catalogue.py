"""The library in the admin: the catalogue, the copies, the loans and the holds.

Books are edited with their ordered authors and their copies; the ISBN as typed
is checked and stored as an ISBN-13 (`library.books.normalize_isbn`), a cover is
re-encoded without its metadata and needs its alternative text, and the search
text is rebuilt after every save. A copy's status, loans and holds change only
through `library.services`: the copies' actions withdraw and restore, the loans'
actions return and renew, the holds' action cancels; loans are made at the
staff's circulation desk (`library/admin/desk.py`), which BookAdmin serves with the
list of overdue loans and the catalogue import (`library/admin/importing.py`).
"""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AutocompleteSelect
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.forms.models import BaseInlineFormSet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from cwop_portal.admin import SingletonAdmin
from cwop_portal.admin_helpers import HistoryAdminMixin, ServiceDeletionMixin
from cwop_portal.admin_site import register_pending
from cwop_portal.dates import format_date
from cwop_portal.emails import failed_recipients
from cwop_portal.history import change_record, form_changes
from cwop_portal.images import clean_new_image_upload
from library import books, search
from library.models import (
    Author,
    Book,
    BookAuthor,
    CatalogueImport,
    Copy,
    Hold,
    LibrarySettings,
    Loan,
    Subject,
)

register_pending(
    _("Overdue library loans"),
    lambda: reverse("admin:library_overdue"),
    lambda: Loan.objects.overdue(),
    "library.view_loan",
)


def _services():
    from library import services

    return services


def _person(user):
    if user is None:
        return gettext("deleted account")
    name = user.get_full_name()
    return f"{name} ({user.email})" if name else user.email


def _name(user):
    if user is None:
        return gettext("deleted account")
    return user.get_full_name() or user.email


def _count_of(queryset):
    """A correlated COUNT(*) of `queryset` (filtered on OuterRef("pk")) per book."""
    return Coalesce(
        Subquery(
            queryset.order_by().values("book_id").annotate(number=Count("pk")).values("number")[:1],
            output_field=IntegerField(),
        ),
        0,
    )


# --- Subjects and authors -----------------------------------------------------------


class CatalogueEntryAdminMixin(ServiceDeletionMixin):
    """Saved and deleted through `catalogue_entry_save` / `catalogue_entry_delete`:
    the search text of the books that name the entry follows."""

    def save_model(self, request, obj, form, change):
        _services().catalogue_entry_save(entry=obj)

    def delete_with_service(self, request, obj):
        _services().catalogue_entry_delete(entry=obj)


@admin.register(Subject)
class SubjectAdmin(CatalogueEntryAdminMixin, admin.ModelAdmin):
    list_display = ["name_pl", "name_en", "book_count", "position"]
    list_editable = ["position"]
    ordering = ["position", "name_pl"]
    search_fields = ["name_pl", "name_en", "slug"]
    prepopulated_fields = {"slug": ["name_pl"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(book_total=Count("books"))

    @admin.display(description=_("books"), ordering="book_total")
    def book_count(self, obj):
        return obj.book_total


@admin.register(Author)
class AuthorAdmin(CatalogueEntryAdminMixin, admin.ModelAdmin):
    list_display = ["name", "book_count"]
    search_fields = ["name"]
    ordering = ["name"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(book_total=Count("book_links"))

    @admin.display(description=_("books"), ordering="book_total")
    def book_count(self, obj):
        return obj.book_total


# --- Books ----------------------------------------------------------------------------


def clean_inventory_number(form):
    """The inventory number without stray spaces, unique whatever its letter case
    (the desk finds copies by it so)."""
    number = " ".join((form.cleaned_data.get("inventory_number") or "").split())
    taken = Copy.objects.filter(inventory_number__iexact=number)
    if form.instance.pk:
        taken = taken.exclude(pk=form.instance.pk)
    if number and taken.exists():
        raise ValidationError(
            _("Another copy already has the inventory number “%(number)s”.") % {"number": number}
        )
    return number


class BookForm(forms.ModelForm):
    """The ISBN as typed becomes the stored ISBN-13 (one book per ISBN); an empty
    slug is made from the title; a new cover is re-encoded without its metadata
    and needs its alternative text."""

    class Meta:
        model = Book
        fields = [
            "title",
            "subtitle",
            "isbn_as_typed",
            "publisher",
            "year",
            "language",
            "subjects",
            "description",
            "cover",
            "cover_alt",
            "shelf_mark",
            "slug",
            "is_demo",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False
            self.fields["slug"].help_text = _(
                "The end of the book's address; left empty, it is made from the title."
            )

    def clean_isbn_as_typed(self):
        value = self.cleaned_data.get("isbn_as_typed") or ""
        isbn13, typed = books.normalize_isbn(value)  # its message names the ISBN
        if isbn13:
            other = Book.objects.filter(isbn=isbn13).exclude(pk=self.instance.pk).first()
            if other is not None:
                raise ValidationError(
                    _("Another book in the catalogue has this ISBN: “%(title)s”.")
                    % {"title": other.title},
                    code="duplicate_isbn",
                )
        self.isbn13 = isbn13
        return typed

    def clean_cover(self):
        return clean_new_image_upload(self.cleaned_data.get("cover"), field_label="okladka")

    def clean(self):
        cleaned = super().clean()
        cover_alt = (cleaned.get("cover_alt") or "").strip()
        if cleaned.get("cover") and not cover_alt and "cover_alt" not in self.errors:
            self.add_error(
                "cover_alt",
                _("A cover needs its description (alt text) for people who cannot see it."),
            )
        if not cleaned.get("slug") and cleaned.get("title") and "slug" not in self.errors:
            cleaned["slug"] = books.book_slug(cleaned["title"], exclude_pk=self.instance.pk)
        if "isbn_as_typed" not in self.errors:
            self.instance.isbn = getattr(self, "isbn13", self.instance.isbn)
        return cleaned


class BookAuthorInline(admin.TabularInline):
    model = BookAuthor
    fields = ["author", "position"]
    autocomplete_fields = ["author"]
    extra = 1
    ordering = ["position", "pk"]
    verbose_name_plural = _("Authors, in the order of the title page (lowest position first)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


class CopyInlineFormSet(BaseInlineFormSet):
    """A copy that is lent out or set aside for a reader cannot be deleted (its
    loans keep it anyway; a set-aside copy would leave a reservation without one)."""

    def clean(self):
        super().clean()
        refused = []
        for form in self.forms:
            copy = form.instance
            if not copy.pk or not self._should_delete_form(form):
                continue
            # The status as stored now (the form's instance is read with the page).
            status = Copy.objects.filter(pk=copy.pk).values_list("status", flat=True).first()
            if status in (Copy.Status.ON_LOAN, Copy.Status.HELD):
                refused.append(
                    _(
                        "Copy %(number)s cannot be deleted: it is %(status)s. Return it or "
                        "cancel the reservation first."
                    )
                    % {"number": copy.inventory_number, "status": Copy.Status(status).label}
                )
        if refused:
            # Errors of rows marked for deletion would be ignored: this stops the form.
            raise ValidationError(refused)


class CopyInlineForm(forms.ModelForm):
    class Meta:
        model = Copy
        fields = ["inventory_number", "condition", "notes", "is_demo"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 2, "cols": 40})}

    def clean_inventory_number(self):
        return clean_inventory_number(self)


class CopyInline(admin.TabularInline):
    model = Copy
    form = CopyInlineForm
    formset = CopyInlineFormSet
    fields = ["inventory_number", "condition", "status", "notes", "is_demo"]
    readonly_fields = ["status"]
    extra = 0
    show_change_link = True
    ordering = ["inventory_number"]


class SubjectFilter(admin.SimpleListFilter):
    """Books filed under a subject (EXISTS: no duplicate rows to remove)."""

    title = _("subject")
    parameter_name = "subject"

    def lookups(self, request, model_admin):
        return [(str(subject.pk), subject.name_pl) for subject in Subject.objects.all()]

    def queryset(self, request, queryset):
        value = self.value()
        # Only a subject the list offers (a crafted number may not even fit the column).
        if value not in {choice for choice, _label in self.lookup_choices}:
            return queryset
        links = Book.subjects.through.objects.filter(book=OuterRef("pk"), subject=int(value))
        return queryset.filter(Exists(links))


class AvailableCopiesFilter(admin.SimpleListFilter):
    title = _("has available copies")
    parameter_name = "available"

    def lookups(self, request, model_admin):
        return [("yes", _("yes")), ("no", _("no"))]

    def queryset(self, request, queryset):
        available = Exists(Copy.objects.filter(book=OuterRef("pk"), status=Copy.Status.AVAILABLE))
        if self.value() == "yes":
            return queryset.filter(available)
        if self.value() == "no":
            return queryset.filter(~available)
        return queryset


@admin.register(Book)
class BookAdmin(HistoryAdminMixin, admin.ModelAdmin):
    form = BookForm
    list_display = ["title", "author_list", "year", "isbn_with_dashes", "copies", "language"]
    list_filter = ["language", AvailableCopiesFilter, SubjectFilter, "is_demo"]
    search_fields = [
        "title",
        "subtitle",
        "book_authors__author__name",
        "isbn",
        "isbn_as_typed",
        "publisher",
        "shelf_mark",
        "copies__inventory_number",
    ]
    search_help_text = _(
        "Words of the title, authors, publisher, subjects or shelf mark (any letter case, "
        "with or without Polish letters), an ISBN with or without dashes, or a copy's "
        "inventory number."
    )
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["subjects"]
    inlines = [BookAuthorInline, CopyInline]
    readonly_fields = ["isbn_with_dashes", "created_at", "updated_at"]
    save_on_top = True
    list_per_page = 50
    fieldsets = (
        (None, {"fields": ("title", "subtitle", "slug")}),
        (
            _("Publication"),
            {
                "fields": (
                    ("isbn_as_typed", "isbn_with_dashes"),
                    "publisher",
                    "year",
                    "language",
                )
            },
        ),
        (_("Subjects and description"), {"fields": ("subjects", "description")}),
        (_("Cover"), {"fields": ("cover", "cover_alt")}),
        (_("Shelf"), {"fields": ("shelf_mark",)}),
        (_("History"), {"fields": ("created_at", "updated_at", "is_demo")}),
    )

    def get_queryset(self, request):
        copies = Copy.objects.filter(book=OuterRef("pk")).exclude(status=Copy.Status.WITHDRAWN)
        return (
            super()
            .get_queryset(request)
            .annotate(
                copies_total=_count_of(copies),
                copies_available=_count_of(copies.filter(status=Copy.Status.AVAILABLE)),
            )
            .prefetch_related("book_authors__author")
        )

    @admin.display(description=_("authors"))
    def author_list(self, obj):
        return ", ".join(obj.author_names()) or "—"

    @admin.display(description=_("ISBN"), ordering="isbn")
    def isbn_with_dashes(self, obj):
        return obj.isbn_display or obj.isbn_as_typed or "—"

    @admin.display(description=_("copies available / in circulation"), ordering="copies_available")
    def copies(self, obj):
        return f"{obj.copies_available} / {obj.copies_total}"

    def get_search_results(self, request, queryset, search_term):
        """An inventory number finds its copy's book, an ISBN (with or without dashes,
        10 or 13 digits) its book; anything else is the catalogue's own word search
        (title, subtitle, authors, publisher, subjects, shelf mark, ISBN; whatever the
        case and Polish letters), which PostgreSQL answers from its trigram index and
        which needs no joins, so there are no duplicate rows to remove."""
        term = " ".join(search_term.split())[:200]
        if not term:
            return queryset, False
        isbn13 = search.isbn13_of(term)
        if isbn13:
            return queryset.filter(isbn=isbn13), False
        by_inventory = list(
            Copy.objects.filter(inventory_number__iexact=term).values_list("book_id", flat=True)
        )
        if by_inventory:
            return queryset.filter(pk__in=by_inventory), False
        return search.filter_books(queryset, term), False

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        form.instance.rebuild_search_document()

    def save_formset(self, request, form, formset, change):
        if formset.model is not Copy:
            return super().save_formset(request, form, formset, change)
        # New copies through the service (a reader waiting for the title gets one);
        # a copy lent out or set aside is never among the deleted (CopyInlineFormSet).
        formset.save(commit=False)
        for copy in formset.deleted_objects:
            copy.delete()
        changed = {copy.pk for copy, _fields in formset.changed_objects}
        for copy_form in formset.initial_forms:
            if copy_form.instance.pk in changed:
                copy_form.instance.save()
                change_record(
                    copy_form.instance,
                    user=request.user,
                    action="changed",
                    changes=form_changes(copy_form),
                )
        for copy in formset.new_objects:
            _services().copy_add(copy=copy, by=request.user)

    def get_urls(self):
        from library.admin import desk
        from library.admin import importing as import_views

        return [
            *desk.admin_urls(self.admin_site),
            *import_views.admin_urls(self.admin_site),
            *super().get_urls(),
        ]


# --- Copies ---------------------------------------------------------------------------


class CopyForm(forms.ModelForm):
    class Meta:
        model = Copy
        fields = ["book", "inventory_number", "condition", "notes", "is_demo"]

    def clean_inventory_number(self):
        return clean_inventory_number(self)


class RequiredAutocompleteSelect(AutocompleteSelect):
    """Django's autocomplete for a required field lists only the chosen row; an empty
    first option makes the required <select> valid HTML (the field stays required)."""

    def optgroups(self, name, value, attr=None):
        groups = super().optgroups(name, value, attr)
        chosen = any(str(v) for v in value if v not in (None, ""))
        empty = self.create_option(name, "", "---------", not chosen, 0)
        return [(None, [empty], 0), *groups]


class ServiceRowsMixin:
    """Admin actions that call a service for each selected row and say, row by row,
    what was done or why it was refused."""

    def run_per_row(self, request, queryset, action):
        for obj in queryset:
            try:
                done = action(obj)
            except ValidationError as exc:
                self.message_user(
                    request, f"{self.row_label(obj)}: {' '.join(exc.messages)}", messages.WARNING
                )
            else:
                self.message_user(request, f"{self.row_label(obj)}: {done}", messages.SUCCESS)

    def row_label(self, obj):
        return str(obj)


def _desk_links():
    return {
        "desk_url": reverse("admin:library_desk"),
        "overdue_url": reverse("admin:library_overdue"),
    }


@admin.register(Copy)
class CopyAdmin(HistoryAdminMixin, ServiceRowsMixin, admin.ModelAdmin):
    form = CopyForm
    list_display = ["inventory_number", "book_title", "status", "condition"]
    list_display_links = ["inventory_number"]
    list_filter = ["status", "condition", "is_demo"]
    list_select_related = ["book"]
    search_fields = ["inventory_number", "book__title", "book__isbn", "notes"]
    autocomplete_fields = ["book"]
    readonly_fields = ["status", "created_at"]
    actions = ["withdraw", "restore"]
    fields = ["book", "inventory_number", "condition", "status", "notes", "created_at", "is_demo"]

    @admin.display(description=_("book"), ordering="book__title")
    def book_title(self, obj):
        return obj.book.title

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "book":
            kwargs["widget"] = RequiredAutocompleteSelect(
                db_field, self.admin_site, using=kwargs.get("using")
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def row_label(self, obj):
        return obj.inventory_number

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:  # a reader waiting for the title gets it
            _services().copy_add(copy=obj, by=request.user)

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), **_desk_links()})

    def get_deleted_objects(self, objs, request):
        """A copy set aside for a reader (or lent out) is protected like one with loans."""
        to_delete, model_count, perms_needed, protected = super().get_deleted_objects(objs, request)
        protected = list(protected)
        for copy in objs:
            if copy.status in (Copy.Status.HELD, Copy.Status.ON_LOAN):
                protected.append(
                    gettext(
                        "Copy %(number)s is %(status)s: return it or cancel the reservation "
                        "before deleting it."
                    )
                    % {"number": copy.inventory_number, "status": copy.get_status_display()}
                )
        return to_delete, model_count, perms_needed, protected

    @admin.action(
        description=_("Withdraw selected copies from circulation"), permissions=["change"]
    )
    def withdraw(self, request, queryset):
        services = _services()

        def withdraw(copy):
            services.copy_withdraw(copy=copy, by=request.user)
            return gettext("withdrawn from circulation.")

        self.run_per_row(request, queryset.select_related("book"), withdraw)

    @admin.action(description=_("Return selected copies to circulation"), permissions=["change"])
    def restore(self, request, queryset):
        services = _services()

        def restore(copy):
            copy = services.copy_restore(copy=copy, by=request.user)
            if copy.status == Copy.Status.HELD:
                hold = copy.holds.filter(status=Hold.Status.READY).select_related("user").first()
                if hold and hold.user.email in failed_recipients("library_hold_ready"):
                    return gettext(
                        "back in circulation, set aside for %(reader)s, but the e-mail to them "
                        "could not be sent: let them know another way."
                    ) % {"reader": _person(hold.user)}
                return gettext(
                    "back in circulation, set aside for %(reader)s, who has been sent an e-mail."
                ) % {"reader": _person(hold.user if hold else None)}
            return gettext("back in circulation, available.")

        self.run_per_row(request, queryset.select_related("book"), restore)


# --- Loans ----------------------------------------------------------------------------


class LoanStateFilter(admin.SimpleListFilter):
    title = _("state")
    parameter_name = "state"

    def lookups(self, request, model_admin):
        return [
            ("active", pgettext_lazy("loans", "not returned yet")),
            ("overdue", pgettext_lazy("loans", "overdue")),
            ("returned", pgettext_lazy("loans", "returned")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "active":
            return queryset.filter(returned_at__isnull=True)
        if self.value() == "overdue":
            return queryset.filter(returned_at__isnull=True, due_on__lt=timezone.localdate())
        if self.value() == "returned":
            return queryset.filter(returned_at__isnull=False)
        return queryset


LOAN_FIELDS = [
    "copy",
    "borrower",
    "organization",
    "lent_at",
    "lent_by",
    "due_on",
    "renewals",
    "returned_at",
    "returned_to",
    "due_reminder_sent_at",
    "overdue_reminder_sent_on",
    "is_demo",
]


@admin.register(Loan)
class LoanAdmin(ServiceRowsMixin, admin.ModelAdmin):
    """Loans are made at the desk and changed by the actions; the form only shows them."""

    list_display = [
        "inventory_number",
        "book_title",
        "borrower_name",
        "organization",
        "lent_at",
        "due_on",
        "returned_at",
        "overdue",
    ]
    list_display_links = ["inventory_number"]
    list_filter = [LoanStateFilter, "due_on", "is_demo"]
    list_select_related = ["copy__book", "borrower", "organization"]
    search_fields = [
        "copy__inventory_number",
        "copy__book__title",
        "borrower__email",
        "borrower__first_name",
        "borrower__last_name",
        "organization__name",
    ]
    date_hierarchy = "lent_at"
    actions = ["return_loans", "renew_loans"]
    fields = LOAN_FIELDS
    readonly_fields = LOAN_FIELDS

    @admin.display(description=_("inventory number"), ordering="copy__inventory_number")
    def inventory_number(self, obj):
        return obj.copy.inventory_number

    @admin.display(description=_("title"), ordering="copy__book__title")
    def book_title(self, obj):
        return obj.copy.book.title

    @admin.display(description=_("borrower"), ordering="borrower__email")
    def borrower_name(self, obj):
        return _person(obj.borrower)

    @admin.display(boolean=True, description=_("overdue"))
    def overdue(self, obj):
        return obj.is_overdue()

    def row_label(self, obj):
        return f"{obj.copy.inventory_number} ({_name(obj.borrower)})"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("copy__book", "borrower")

    def changelist_view(self, request, extra_context=None):
        return super().changelist_view(request, {**(extra_context or {}), **_desk_links()})

    def has_add_permission(self, request):
        return False  # lending goes through the desk (the service's rules and e-mail)

    def has_change_permission(self, request, obj=None):
        # The list's actions need the permission; a loan's own page only shows it.
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # the history of the library's loans

    @admin.action(
        description=_("Return selected loans (the copies came back)"), permissions=["change"]
    )
    def return_loans(self, request, queryset):
        services = _services()

        def give_back(loan):
            if loan.returned_at is not None:
                raise ValidationError(gettext("This loan has already been returned."))
            _loan, hold = services.copy_return(copy=loan.copy, by=request.user)
            return returned_message(hold)

        self.run_per_row(request, queryset, give_back)

    @admin.action(description=_("Renew selected loans"), permissions=["change"])
    def renew_loans(self, request, queryset):
        services = _services()

        def renew(loan):
            loan = services.loan_renew(loan=loan, by=request.user)
            return gettext("renewed until %(date)s.") % {"date": format_date(loan.due_on)}

        self.run_per_row(request, queryset, renew)


def returned_message(hold):
    """What became of a returned copy, for the desk and the loans' action."""
    if hold is None:
        return gettext("returned; put it back on the shelf.")
    if hold.user.email in failed_recipients("library_hold_ready"):
        return gettext(
            "returned; it is now set aside for %(reader)s until %(date)s, but the e-mail to "
            "them could not be sent: let them know another way. Put it on the reservations "
            "shelf."
        ) % {"reader": _person(hold.user), "date": format_date(hold.expires_on)}
    return gettext(
        "returned; it is now set aside for %(reader)s until %(date)s, who has been sent an "
        "e-mail. Put it on the reservations shelf."
    ) % {"reader": _person(hold.user), "date": format_date(hold.expires_on)}


# --- Holds ----------------------------------------------------------------------------


HOLD_FIELDS = [
    "book",
    "user",
    "organization",
    "status",
    "created_at",
    "copy",
    "ready_at",
    "expires_on",
    "closed_at",
    "is_demo",
]


@admin.register(Hold)
class HoldAdmin(ServiceRowsMixin, admin.ModelAdmin):
    """Readers reserve on the site; staff see the queue and may cancel."""

    list_display = ["book", "reader", "organization", "status", "created_at", "expires_on", "copy"]
    list_filter = ["status", "is_demo"]
    list_select_related = ["book", "user", "organization", "copy"]
    search_fields = ["book__title", "user__email", "user__first_name", "user__last_name"]
    ordering = ["-created_at", "-pk"]
    actions = ["cancel"]
    fields = HOLD_FIELDS
    readonly_fields = HOLD_FIELDS

    @admin.display(description=_("reader"), ordering="user__email")
    def reader(self, obj):
        return _person(obj.user)

    def row_label(self, obj):
        return f"{obj.book.title} ({_name(obj.user)})"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return obj is None and super().has_change_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # cancelled through the service, so a set-aside copy passes on

    @admin.action(description=_("Cancel selected reservations"), permissions=["change"])
    def cancel(self, request, queryset):
        services = _services()

        def cancel(hold):
            services.hold_cancel(hold=hold, by=request.user)
            return gettext("reservation cancelled.")

        self.run_per_row(request, queryset, cancel)


# --- Settings and imports ---------------------------------------------------------------


@admin.register(LibrarySettings)
class LibrarySettingsAdmin(HistoryAdminMixin, SingletonAdmin):
    """The row is made by migration 0003 (and by `load()` if ever missing)."""

    fieldsets = (
        (_("Loans"), {"fields": ("loan_days", "max_renewals", "max_active_loans")}),
        (_("Reservations"), {"fields": ("max_active_holds", "hold_pickup_days")}),
        (_("Reminders"), {"fields": ("reminder_days_before", "overdue_reminder_every_days")}),
    )

    def has_add_permission(self, request):
        return False


@admin.register(CatalogueImport)
class CatalogueImportAdmin(admin.ModelAdmin):
    """Imports are made on the import page (BookAdmin); here they are only listed."""

    list_display = [
        "original_name",
        "uploaded_by",
        "uploaded_at",
        "status",
        "applied_at",
        "preview",
    ]
    list_filter = ["status"]
    list_select_related = ["uploaded_by"]
    search_fields = ["original_name"]
    fields = ["original_name", "file", "uploaded_by", "uploaded_at", "status", "applied_at"]
    readonly_fields = fields

    @admin.display(description=_("preview"))
    def preview(self, obj):
        try:
            url = reverse("admin:library_book_import_preview", args=[obj.pk])
        except NoReverseMatch:
            return "—"
        return format_html('<a href="{}">{}</a>', url, gettext("Preview"))

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
