"""The centre's lending library: titles, their copies, loans and holds.

A `Book` is a title; each physical `Copy` has an inventory number and a status.
`Loan` rows are the history of lending: a loan with no `returned_at` is active,
and the database allows one active loan per copy. `Hold` rows are the queue of
readers waiting for a title: when a copy comes back it is set aside ("ready")
for the first one waiting, who has `LibrarySettings.hold_pickup_days` to collect
it. Every change goes through `library.services`, which keeps `Copy.status` in
step with the loans and holds.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.db.models.functions import Upper
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cwop_portal.history import ChangeRecord
from cwop_portal.images import validate_image_upload
from cwop_portal.models import TranslatedFieldsMixin, localized_property
from cwop_portal.validators import validate_spreadsheet_file
from library import search


class Subject(TranslatedFieldsMixin, models.Model):
    """A third-sector topic books are filed under (an editable list)."""

    name_pl = models.CharField(_("name (Polish)"), max_length=150)
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    name = localized_property("name")

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        ordering = ["position", "name_pl"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(name_pl=""), name="library_subject_name_pl_not_empty"
            ),
        ]

    def __str__(self):
        return self.name_pl


class Author(models.Model):
    """A person or body named as an author; one row per name, shared by books."""

    name = models.CharField(
        _("author"),
        max_length=200,
        unique=True,
        help_text=_('As on the title page, e.g. "Anna Kowalska" or "Klon/Jawor Association".'),
    )

    class Meta:
        verbose_name = _("author")
        verbose_name_plural = _("authors")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="library_author_name_not_empty"),
        ]

    def __str__(self):
        return self.name


class BookQuerySet(models.QuerySet):
    def search(self, query):
        """Books whose text has words beginning with every query word's stem.

        An ISBN typed with or without dashes, as ISBN-10 or ISBN-13, also finds
        its book (the services normalise the query; see `library.search`).
        """
        return search.filter_books(self, query)

    def rebuild_search_documents(self, book_pks, *, chunk_size=1000):
        """Recompute the search text of many books (those of `book_pks`): a few
        queries per chunk of books."""
        book_pks = list(book_pks)
        for start in range(0, len(book_pks), chunk_size):
            books = list(
                self.filter(pk__in=book_pks[start : start + chunk_size]).prefetch_related(
                    Prefetch("book_authors", queryset=BookAuthor.objects.select_related("author")),
                    "subjects",
                )
            )
            for book in books:
                book.search_document = search.book_document(
                    book,
                    authors=[link.author.name for link in book.book_authors.all()],
                    subjects=list(book.subjects.all()),
                )
            self.bulk_update(books, ["search_document"], batch_size=chunk_size)

    def available_now(self):
        return self.filter(
            Exists(Copy.objects.filter(book=OuterRef("pk"), status=Copy.Status.AVAILABLE))
        )


class Book(models.Model):
    """A title in the catalogue (its copies are `Copy` rows)."""

    class Language(models.TextChoices):
        POLISH = "pl", _("Polish")
        ENGLISH = "en", _("English")
        GERMAN = "de", _("German")
        FRENCH = "fr", _("French")
        UKRAINIAN = "uk", _("Ukrainian")
        RUSSIAN = "ru", _("Russian")
        BELARUSIAN = "be", _("Belarusian")
        LITHUANIAN = "lt", _("Lithuanian")
        OTHER = "other", _("other language")

    title = models.CharField(_("title"), max_length=300)
    subtitle = models.CharField(_("subtitle"), max_length=300, blank=True)
    authors = models.ManyToManyField(
        Author,
        through="BookAuthor",
        verbose_name=_("authors"),
        related_name="books",
        blank=True,
    )
    isbn = models.CharField(
        _("ISBN-13"),
        max_length=13,
        blank=True,
        editable=False,
        help_text=_("Computed from the ISBN as typed: 13 digits, no dashes."),
    )
    isbn_as_typed = models.CharField(
        _("ISBN"),
        max_length=20,
        blank=True,
        help_text=_(
            "ISBN-10 or ISBN-13, with or without dashes. Leave empty if the book has none."
        ),
    )
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    year = models.PositiveSmallIntegerField(
        _("year of publication"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1450), MaxValueValidator(2100)],
    )
    language = models.CharField(
        _("language"), max_length=5, choices=Language.choices, default=Language.POLISH
    )
    subjects = models.ManyToManyField(
        Subject, verbose_name=_("subjects"), related_name="books", blank=True
    )
    description = models.TextField(_("description"), blank=True)
    cover = models.ImageField(
        _("cover"),
        upload_to="library/covers/",
        blank=True,
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG or WebP, up to 5 MB and 4000 × 4000 pixels."),
    )
    cover_alt = models.CharField(
        _("cover description (alt text)"),
        max_length=250,
        blank=True,
        help_text=_("What the cover shows, for people who cannot see it. Required with a cover."),
    )
    shelf_mark = models.CharField(_("shelf mark"), max_length=50, blank=True)
    slug = models.SlugField(_("slug"), max_length=120, unique=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now)
    updated_at = models.DateTimeField(_("last updated"), auto_now=True)
    search_document = models.TextField(editable=False, blank=True, default="")

    objects = BookQuerySet.as_manager()

    class Meta:
        verbose_name = _("book")
        verbose_name_plural = _("books")
        ordering = ["title", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(title=""), name="library_book_title_not_empty"),
            models.UniqueConstraint(
                fields=["isbn"], condition=~Q(isbn=""), name="library_book_isbn_unique"
            ),
            models.CheckConstraint(
                condition=Q(isbn="") | Q(isbn__regex=r"^97[89][0-9]{10}$"),
                name="library_book_isbn_13_digits",
            ),
            models.CheckConstraint(
                condition=Q(cover="") | ~Q(cover_alt=""), name="library_book_cover_has_alt"
            ),
        ]
        indexes = [models.Index(fields=["created_at"], name="library_book_created_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("library:book_detail", kwargs={"slug": self.slug})

    @property
    def isbn_display(self):
        """The ISBN-13 with its dashes (978-83-…), or what was typed."""
        from stdnum import isbn

        if not self.isbn:
            return ""
        try:
            return isbn.format(self.isbn)
        except Exception:  # noqa: BLE001 - a stored value is always valid; be safe anyway
            return self.isbn

    def author_names(self):
        """Authors in their order (use with prefetch of `book_authors__author`)."""
        return [link.author.name for link in self.book_authors.all()]

    def rebuild_search_document(self):
        """Recompute the search text (after authors or subjects change)."""
        self.search_document = search.book_document(self)
        Book.objects.filter(pk=self.pk).update(search_document=self.search_document)


class BookChange(ChangeRecord):
    """History: who changed what in a title of the catalogue, and when."""

    subject_field = "book"

    book = models.ForeignKey(
        Book, verbose_name=_("book"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("book change")
        verbose_name_plural = _("book history")


class BookAuthor(models.Model):
    """An author of a book in their place on the title page."""

    book = models.ForeignKey(Book, on_delete=models.CASCADE, related_name="book_authors")
    author = models.ForeignKey(
        Author, on_delete=models.PROTECT, related_name="book_links", verbose_name=_("author")
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("author of the book")
        verbose_name_plural = _("authors of the book")
        ordering = ["position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["book", "author"], name="library_book_author_once"),
        ]

    def __str__(self):
        return self.author.name


class Copy(models.Model):
    """A physical copy of a book, with its inventory number."""

    class Status(models.TextChoices):
        AVAILABLE = "available", _("available")
        ON_LOAN = "on_loan", _("on loan")
        HELD = "held", _("held for a reader")
        WITHDRAWN = "withdrawn", _("withdrawn")

    class Condition(models.TextChoices):
        NEW = "new", _("new")
        GOOD = "good", _("good")
        WORN = "worn", _("worn")
        DAMAGED = "damaged", _("damaged")

    book = models.ForeignKey(
        Book, on_delete=models.PROTECT, related_name="copies", verbose_name=_("book")
    )
    inventory_number = models.CharField(
        _("inventory number"),
        max_length=40,
        unique=True,
        help_text=_("As written in the book and the inventory, e.g. B/0123."),
    )
    condition = models.CharField(
        _("condition"), max_length=10, choices=Condition.choices, default=Condition.GOOD
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=Status.choices,
        default=Status.AVAILABLE,
        help_text=_("Loans and holds set it; staff may withdraw a copy that is not lent out."),
    )
    notes = models.TextField(_("notes for staff"), blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)
    created_at = models.DateTimeField(_("added"), default=timezone.now)

    class Meta:
        verbose_name = _("copy")
        verbose_name_plural = _("copies")
        ordering = ["inventory_number"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(inventory_number=""), name="library_copy_inventory_not_empty"
            ),
            # Staff type inventory numbers in any letter case (the desk finds "b/0123").
            models.UniqueConstraint(
                Upper("inventory_number"), name="library_copy_inventory_unique_any_case"
            ),
        ]
        indexes = [models.Index(fields=["book", "status"], name="library_copy_book_status")]

    def __str__(self):
        return f"{self.inventory_number} – {self.book.title}"


class CopyChange(ChangeRecord):
    """History: who added, withdrew, restored or edited a copy, and when (its
    loans are their own history)."""

    subject_field = "copy"
    action_labels = {
        "withdrawn": pgettext_lazy("history", "withdrawn"),
        "restored": pgettext_lazy("history", "restored to the shelf"),
    }

    copy = models.ForeignKey(
        Copy, verbose_name=_("copy"), on_delete=models.CASCADE, related_name="changes"
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("copy change")
        verbose_name_plural = _("copy history")


class LoanQuerySet(models.QuerySet):
    def active(self):
        return self.filter(returned_at__isnull=True)

    def overdue(self, today=None):
        today = today or timezone.localdate()
        return self.active().filter(due_on__lt=today)


class Loan(models.Model):
    """A copy lent to a reader; active until `returned_at` is set."""

    copy = models.ForeignKey(
        Copy, on_delete=models.PROTECT, related_name="loans", verbose_name=_("copy")
    )
    borrower = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="library_loans",
        verbose_name=_("borrower"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_loans",
        verbose_name=_("on behalf of"),
        help_text=_("Empty: the reader borrows for themselves."),
    )
    lent_at = models.DateTimeField(_("lent"), default=timezone.now)
    due_on = models.DateField(_("due"))
    renewals = models.PositiveSmallIntegerField(_("renewals used"), default=0)
    returned_at = models.DateTimeField(_("returned"), null=True, blank=True)
    lent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lent by"),
    )
    returned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("returned to"),
    )
    due_reminder_sent_at = models.DateTimeField(
        _("due-date reminder sent"), null=True, blank=True, editable=False
    )
    overdue_reminder_sent_on = models.DateField(
        _("last overdue reminder"), null=True, blank=True, editable=False
    )
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = LoanQuerySet.as_manager()

    class Meta:
        verbose_name = _("loan")
        verbose_name_plural = _("loans")
        ordering = ["-lent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["copy"],
                condition=Q(returned_at__isnull=True),
                name="library_loan_one_active_per_copy",
            ),
            models.CheckConstraint(
                condition=Q(returned_at__isnull=True) | Q(returned_at__gte=models.F("lent_at")),
                name="library_loan_returned_after_lent",
            ),
            # A reader's account cannot be deleted while they have a book: the
            # borrower (SET_NULL) may go only once the loan is over.
            models.CheckConstraint(
                condition=Q(returned_at__isnull=False) | Q(borrower__isnull=False),
                name="library_loan_active_has_borrower",
            ),
        ]
        indexes = [
            models.Index(fields=["borrower", "returned_at"], name="library_loan_borrower"),
            models.Index(fields=["due_on"], name="library_loan_due_on"),
        ]

    def __str__(self):
        return f"{self.copy.inventory_number} → {self.borrower or _('deleted account')}"

    @property
    def is_active(self):
        return self.returned_at is None

    def is_overdue(self, today=None):
        return self.is_active and self.due_on < (today or timezone.localdate())


class HoldQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=Hold.ACTIVE_STATUSES)


class Hold(models.Model):
    """A reader's place in the queue for a title.

    WAITING: in the queue. READY: a copy (`copy`) is set aside until
    `expires_on`. Then COLLECTED (lent to them), CANCELLED or EXPIRED.
    """

    class Status(models.TextChoices):
        WAITING = "waiting", _("waiting")
        READY = "ready", _("ready to collect")
        COLLECTED = "collected", _("collected")
        CANCELLED = "cancelled", _("cancelled")
        EXPIRED = "expired", _("expired")

    ACTIVE_STATUSES = (Status.WAITING, Status.READY)

    book = models.ForeignKey(
        Book, on_delete=models.CASCADE, related_name="holds", verbose_name=_("book")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="library_holds",
        verbose_name=_("reader"),
    )
    organization = models.ForeignKey(
        "organizations.Organization",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="library_holds",
        verbose_name=_("on behalf of"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.WAITING
    )
    created_at = models.DateTimeField(_("placed"), default=timezone.now)
    copy = models.ForeignKey(
        Copy,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="holds",
        verbose_name=_("copy set aside"),
    )
    ready_at = models.DateTimeField(_("set aside"), null=True, blank=True)
    expires_on = models.DateField(_("collect by"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo record"), default=False)

    objects = HoldQuerySet.as_manager()

    class Meta:
        verbose_name = _("hold")
        verbose_name_plural = _("holds")
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["book", "user"],
                condition=Q(status__in=["waiting", "ready"]),
                name="library_hold_one_active_per_reader",
            ),
            models.UniqueConstraint(
                fields=["copy"],
                condition=Q(status="ready"),
                name="library_hold_one_ready_per_copy",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready")
                | (Q(copy__isnull=False) & Q(expires_on__isnull=False)),
                name="library_hold_ready_has_copy",
            ),
        ]
        indexes = [models.Index(fields=["book", "status", "created_at"], name="library_hold_queue")]

    def __str__(self):
        return f"{self.book.title} – {self.user}"


class LibrarySettings(models.Model):
    """The lending rules, edited by staff (one row)."""

    loan_days = models.PositiveIntegerField(
        _("loan length (days)"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    max_renewals = models.PositiveIntegerField(
        _("renewals allowed"),
        default=2,
        validators=[MaxValueValidator(20)],
        help_text=_("Each renewal extends the loan by the loan length, counted from the renewal."),
    )
    max_active_loans = models.PositiveIntegerField(
        _("books a reader may have at once"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    max_active_holds = models.PositiveIntegerField(
        _("reservations a reader may have at once"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    hold_pickup_days = models.PositiveIntegerField(
        _("days to collect a reserved book"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    reminder_days_before = models.PositiveIntegerField(
        _("remind this many days before the due date"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    overdue_reminder_every_days = models.PositiveIntegerField(
        _("repeat the overdue reminder every (days)"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
    )

    class Meta:
        verbose_name = _("library settings")
        verbose_name_plural = _("library settings")

    def __str__(self):
        return str(_("Library settings"))

    @classmethod
    def load(cls):
        return cls.objects.get_or_create(pk=1)[0]

    def due_date(self, start=None):
        return (start or timezone.localdate()) + datetime.timedelta(days=self.loan_days)


class LibrarySettingsChange(ChangeRecord):
    """History of the lending rules: who changed which, when, old → new."""

    subject_field = "settings"

    settings = models.ForeignKey(
        LibrarySettings,
        verbose_name=_("library settings"),
        on_delete=models.CASCADE,
        related_name="changes",
    )

    class Meta(ChangeRecord.Meta):
        verbose_name = _("change of the library settings")
        verbose_name_plural = _("history of the library settings")


class CatalogueImport(models.Model):
    """A spreadsheet staff uploaded to import; applied only after the preview."""

    class Status(models.TextChoices):
        PREVIEWED = "previewed", _("previewed")
        APPLIED = "applied", _("imported")
        DISCARDED = "discarded", _("discarded")

    file = models.FileField(
        _("file"),
        upload_to="library/imports/%Y/",
        validators=[validate_spreadsheet_file],
        help_text=_("XLSX, XLS or CSV, up to 10 MB."),
    )
    original_name = models.CharField(_("file name"), max_length=255, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PREVIEWED
    )
    applied_at = models.DateTimeField(_("imported at"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True, editable=False)

    class Meta:
        verbose_name = _("catalogue import")
        verbose_name_plural = _("catalogue imports")
        ordering = ["-uploaded_at", "-pk"]

    def __str__(self):
        return self.original_name or self.file.name
