"""Writing: carrying out a `Plan` in bulk (inserts and updates in chunks, never
a query per row), inside the caller's transaction."""

from cwop_portal.text import unique_slug
from library import services
from library.importing.common import CHUNK, chunks
from library.models import Author, Book, BookAuthor, Copy, Hold


def execute(plan, *, now, by=None):
    """Write the plan (inside the caller's transaction): bulk inserts and updates;
    then the copies that joined a title readers wait for go to them."""
    created = [op for op in plan.books if op.kind == "create"]
    updated = [op for op in plan.books if op.kind == "update"]
    create_books(created, now)
    update_books(updated, now)
    write_authors([op for op in created + updated if op.authors is not None])
    write_subjects([op for op in created + updated if op.subjects is not None])
    write_copies(plan.books, now)
    serve_waiting_readers(plan.books, now=now, by=by)
    Book.objects.rebuild_search_documents(op.book.pk for op in created + updated)


def _book_attributes(fields):
    """A plan's book fields as model attributes: the ISBN is two of them."""
    attributes = {}
    for key, value in fields.items():
        if key == "isbn":
            attributes["isbn"], attributes["isbn_as_typed"] = value
        else:
            attributes[key] = value
    return attributes


def create_books(ops, now):
    """The new books, each with a slug no other book has."""
    if not ops:
        return
    taken = set(Book.objects.values_list("slug", flat=True))

    def is_taken(slug):
        return slug in taken

    books = []
    for op in ops:
        attributes = _book_attributes(op.fields)
        slug = unique_slug(
            attributes["title"], is_taken=is_taken, max_length=100, fallback="ksiazka"
        )
        taken.add(slug)
        op.book = Book(slug=slug, created_at=now, **attributes)
        books.append(op.book)
    Book.objects.bulk_create(books, batch_size=CHUNK)
    if any(book.pk is None for book in books):  # pragma: no cover - databases without RETURNING
        by_slug = dict(
            Book.objects.filter(slug__in=[b.slug for b in books]).values_list("slug", "pk")
        )
        for book in books:
            book.pk = by_slug[book.slug]


def update_books(ops, now):
    """The changed books, updating only the fields some of them change."""
    if not ops:
        return
    changed = set()
    for op in ops:
        for attribute, value in _book_attributes(op.fields).items():
            setattr(op.book, attribute, value)
            changed.add(attribute)
        op.book.updated_at = now
    Book.objects.bulk_update(
        [op.book for op in ops], [*sorted(changed), "updated_at"], batch_size=CHUNK
    )


def write_authors(ops):
    """The books' authors in order; the names not yet known become authors."""
    if not ops:
        return
    names = {name for op in ops for name in op.authors}
    authors = {}
    for chunk in chunks(sorted(names)):
        authors.update((a.name, a) for a in Author.objects.filter(name__in=chunk))
    missing = [Author(name=name) for name in sorted(names) if name not in authors]
    if missing:
        Author.objects.bulk_create(missing, batch_size=CHUNK, ignore_conflicts=True)
        for chunk in chunks([a.name for a in missing]):
            authors.update((a.name, a) for a in Author.objects.filter(name__in=chunk))
    for chunk in chunks([op.book.pk for op in ops if op.kind == "update"]):
        BookAuthor.objects.filter(book_id__in=chunk).delete()
    links = [
        BookAuthor(book=op.book, author=authors[name], position=position)
        for op in ops
        for position, name in enumerate(op.authors)
    ]
    BookAuthor.objects.bulk_create(links, batch_size=CHUNK)


def write_subjects(ops):
    """The books' subjects, replacing those of a book that had others."""
    if not ops:
        return
    through = Book.subjects.through
    for chunk in chunks([op.book.pk for op in ops if op.kind == "update"]):
        through.objects.filter(book_id__in=chunk).delete()
    links = [through(book_id=op.book.pk, subject_id=pk) for op in ops for pk in op.subjects]
    through.objects.bulk_create(links, batch_size=CHUNK)


def write_copies(ops, now):
    """New copies, and changed or moved ones (their status is never touched)."""
    new, changed, changed_fields = [], [], set()
    for op in ops:
        for copy_op in op.copies:
            if copy_op.kind == "create":
                copy_op.copy = Copy(
                    book=op.book,
                    inventory_number=copy_op.inventory_number,
                    created_at=now,
                    **copy_op.fields,
                )
                new.append(copy_op.copy)
            elif copy_op.kind == "update":
                copy = copy_op.copy
                for key, value in copy_op.fields.items():
                    setattr(copy, key, value)
                    changed_fields.add(key)
                if copy_op.move_from is not None or copy.book_id != op.book.pk:
                    copy.book = op.book
                    changed_fields.add("book")
                changed.append(copy)
    if new:
        Copy.objects.bulk_create(new, batch_size=CHUNK)
    if changed and changed_fields:
        Copy.objects.bulk_update(changed, sorted(changed_fields), batch_size=CHUNK)


def serve_waiting_readers(ops, *, now, by=None):
    """A copy the import adds to a title already in the catalogue (a new copy, or
    one moved to it) goes, as `library.services.copy_add` gives it, to the first
    reader waiting for that title: set aside, with an e-mail after the commit. A
    new book has nobody waiting, and titles nobody waits for cost one query per
    chunk of titles: the bulk writes above stay bulk."""
    arrived = {}  # book pk -> copies that joined it, in the file's order
    for op in ops:
        if op.kind == "create":
            continue
        for copy_op in op.copies:
            moved = any(change[0] == "book" for change in copy_op.changes)
            joined = copy_op.kind == "create" or moved
            if joined and copy_op.copy.status == Copy.Status.AVAILABLE:
                arrived.setdefault(op.book.pk, []).append(copy_op.copy)
    if not arrived:
        return
    awaited = set()
    for chunk in chunks(sorted(arrived)):
        awaited.update(
            Hold.objects.filter(book_id__in=chunk, status=Hold.Status.WAITING)
            .order_by()
            .values_list("book_id", flat=True)
            .distinct()
        )
    for book_pk in sorted(awaited):
        for copy in arrived[book_pk]:
            if copy.pk is None:  # pragma: no cover - databases without RETURNING
                copy = Copy.objects.get(inventory_number=copy.inventory_number)
            services.copy_add(copy=copy, by=by, now=now)
