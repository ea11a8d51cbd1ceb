"""Demo data of the library (`seed_demo --books N`), every record marked demo.

N demo books (default 60; the benchmark uses 20,000), each `is_demo=True` with a
title ending in " (demo)" and a description starting "(demo)": realistic titles
about the third sector built from parts, one to three authors, a publisher, a
year, subjects, a valid ISBN-13 in the 978-83 range (most of them), a shelf mark
and one to three copies numbered "DEMO/00001", "DEMO/00002"… The first demo book
is about fundraising ("Pozyskiwanie funduszy…"), so the catalogue's search has
something to find.

Circulation, as the services would have left it: some copies are on loan to the
demo accounts (the first demo member, czlonek@example.com, has three, one of them
overdue), some loans are overdue, older ones returned; readers wait for titles
whose every copy is out, and a few copies are set aside for a reader (ready to
collect). The invariants hold: a copy is "on loan" exactly when it has an active
loan and "held" exactly when a ready hold sets it aside; nobody exceeds the loan
and reservation limits of `LibrarySettings`; a reader waits only for a title with
no copy on the shelf.

Speed: rows are written with `bulk_create` in batches and the search text is
built here with `cwop_portal.search.build_document` (the parts of
`library.search.book_document`, in its order), so 20,000 books take a few dozen
queries per batch. Idempotent: existing demo books are counted, only the missing
ones are added (with their copies, loans and holds); real loans always go through
`library.services`.
"""

import datetime
import random

from django.db.models import Count
from django.utils import timezone
from stdnum import ean
from stdnum import isbn as stdnum_isbn

from cwop_portal.search import build_document
from cwop_portal.text import slugify_pl
from library.models import Author, Book, BookAuthor, Copy, Hold, LibrarySettings, Loan, Subject
from library.search import isbn10_of
from organizations.models import Membership, Organization

DEFAULT_DEMO_BOOKS = 60
DEMO_SEED = 7171
BATCH = 2000
DEMO_SUFFIX = " (demo)"
INVENTORY_PREFIX = "DEMO/"
# ISBN-13 of demo books: 978-83 + seven digits from this number on (+ check digit).
ISBN_BASE = 9_500_000
DEMO_MEMBER_EMAIL = "czlonek@example.com"

# The first demo books, so that a search finds what a visitor would look for.
CURATED = [
    {
        "title": "Pozyskiwanie funduszy dla organizacji pozarządowych",
        "subtitle": "Poradnik dla małych stowarzyszeń i fundacji",
        "authors": ["Katarzyna Zbiórkowa", "Tomasz Grantowy"],
        "publisher": "Stowarzyszenie Klon/Jawor",
        "year": 2022,
        "subjects": ["pozyskiwanie-funduszy", "zarzadzanie-organizacja"],
        "description": "Skąd brać pieniądze na działalność: dotacje, darowizny, 1,5% podatku, "
        "zbiórki publiczne i działalność odpłatna.",
    },
    {
        "title": "Wolontariat w praktyce",
        "subtitle": "Jak rekrutować, wdrażać i doceniać wolontariuszy",
        "authors": ["Anna Ochotnicza"],
        "publisher": "Centrum Wolontariatu",
        "year": 2020,
        "subjects": ["wolontariat"],
        "description": "Porozumienie wolontariackie, ubezpieczenie, koordynacja i motywowanie.",
    },
    {
        "title": "Statut stowarzyszenia krok po kroku",
        "subtitle": "",
        "authors": ["Piotr Paragrafowy"],
        "publisher": "Wydawnictwo Prawnicze Trzeciego Sektora",
        "year": 2019,
        "subjects": ["prawo", "zarzadzanie-organizacja"],
        "description": "Wzory zapisów statutowych z komentarzem.",
    },
]

# (subject slug, the topic as it begins a title)
TOPICS = [
    ("pozyskiwanie-funduszy", "Pozyskiwanie funduszy"),
    ("pozyskiwanie-funduszy", "Fundraising"),
    ("projekty-i-granty", "Wniosek o dotację"),
    ("projekty-i-granty", "Zarządzanie projektem"),
    ("zarzadzanie-organizacja", "Zarządzanie organizacją pozarządową"),
    ("zarzadzanie-organizacja", "Strategia rozwoju stowarzyszenia"),
    ("wolontariat", "Wolontariat"),
    ("wolontariat", "Koordynacja wolontariuszy"),
    ("prawo", "Prawo stowarzyszeń"),
    ("prawo", "Fundacja od podstaw"),
    ("finanse-i-ksiegowosc", "Księgowość organizacji pozarządowej"),
    ("finanse-i-ksiegowosc", "Sprawozdawczość finansowa"),
    ("wspolpraca-z-administracja", "Współpraca z samorządem"),
    ("wspolpraca-z-administracja", "Konsultacje społeczne"),
    ("ekonomia-spoleczna", "Ekonomia społeczna"),
    ("ekonomia-spoleczna", "Spółdzielnia socjalna"),
    ("spoleczenstwo-obywatelskie", "Partycypacja obywatelska"),
    ("spoleczenstwo-obywatelskie", "Budżet obywatelski"),
    ("komunikacja-i-promocja", "Promocja organizacji"),
    ("komunikacja-i-promocja", "Media społecznościowe"),
    ("pomoc-spoleczna", "Pomoc społeczna"),
    ("edukacja", "Edukacja pozaformalna"),
    ("kultura", "Animacja kultury"),
    ("ekologia", "Edukacja ekologiczna"),
    ("seniorzy", "Aktywizacja seniorów"),
    ("dzieci-i-mlodziez", "Praca z młodzieżą"),
    ("osoby-z-niepelnosprawnosciami", "Dostępność działań"),
    ("badania-i-ewaluacja", "Ewaluacja projektów"),
]
ANGLES = [
    "w organizacji pozarządowej",
    "w małym stowarzyszeniu",
    "w fundacji",
    "w grupie nieformalnej",
    "na poziomie lokalnym",
    "w praktyce",
    "od podstaw",
    "dla zaawansowanych",
]
FORMS = [
    "poradnik",
    "podręcznik",
    "przewodnik praktyczny",
    "zbiór dobrych praktyk",
    "materiały szkoleniowe",
    "raport z badań",
    "studia przypadków",
    "wzory dokumentów",
]
FIRST_NAMES = [
    "Anna",
    "Katarzyna",
    "Małgorzata",
    "Agnieszka",
    "Ewa",
    "Joanna",
    "Magdalena",
    "Monika",
    "Piotr",
    "Krzysztof",
    "Tomasz",
    "Paweł",
    "Marcin",
    "Michał",
    "Jan",
    "Łukasz",
]
LAST_NAMES = [
    "Nowak",
    "Kowalska",
    "Wiśniewski",
    "Wójcik",
    "Kamińska",
    "Lewandowski",
    "Zielińska",
    "Szymański",
    "Woźniak",
    "Dąbrowska",
    "Kozłowski",
    "Jankowska",
    "Mazur",
    "Krawczyk",
    "Piotrowska",
    "Grabowski",
    "Pawłowska",
    "Michalski",
]
CORPORATE_AUTHORS = [
    "Stowarzyszenie Klon/Jawor",
    "Fundacja Rozwoju Społeczeństwa Obywatelskiego",
    "Ogólnopolska Federacja Organizacji Pozarządowych",
    "Regionalny Ośrodek Polityki Społecznej w Białymstoku",
]
PUBLISHERS = [
    "Stowarzyszenie Klon/Jawor",
    "Wydawnictwo Trzeci Sektor",
    "Fundacja Akademia Organizacji Obywatelskich",
    "Wydawnictwo Naukowe PWN",
    "Wolters Kluwer Polska",
    "Wydawnictwo C.H. Beck",
    "Instytut Spraw Publicznych",
    "Regionalny Ośrodek EFS w Białymstoku",
    "Wydawnictwo Uniwersytetu w Białymstoku",
]
SHELF_CODES = {
    "pozyskiwanie-funduszy": "FIN",
    "finanse-i-ksiegowosc": "FIN",
    "projekty-i-granty": "PRO",
    "prawo": "PRA",
}


def add_demo_arguments(parser):
    parser.add_argument(
        "--books",
        type=int,
        default=DEFAULT_DEMO_BOOKS,
        metavar="N",
        help=(
            f"How many demo library books there should be (default {DEFAULT_DEMO_BOOKS}); "
            "only the missing ones are created, with copies, loans and reservations."
        ),
    )


def demo_isbn13(number):
    """A valid ISBN-13 978-83-… for the `number`-th demo book."""
    base = f"97883{ISBN_BASE + number:07d}"
    return base + ean.calc_check_digit(base)


def _batches(rows, size=BATCH):
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _bulk(model, rows):
    """bulk_create in batches; the rows get their primary keys (PostgreSQL, SQLite)."""
    for batch in _batches(rows):
        model.objects.bulk_create(batch)
    return rows


# --- The catalogue --------------------------------------------------------------------------


def _generated_spec(rng, subjects):
    slug, topic = rng.choice(TOPICS)
    if rng.random() < 0.5:
        title = f"{topic} {rng.choice(ANGLES)}"
    else:
        title = f"{topic}: {rng.choice(FORMS)}"
    other = [s for s in subjects if s != slug]
    chosen = [slug, *rng.sample(other, k=rng.choice((0, 0, 1, 2)))]
    if rng.random() < 0.1:
        authors = [rng.choice(CORPORATE_AUTHORS)]
    else:
        authors = []
        for _ in range(rng.choice((1, 1, 1, 2, 2, 3))):
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in authors:
                authors.append(name)
    return {
        "title": title,
        "subtitle": "",
        "authors": authors,
        "publisher": rng.choice(PUBLISHERS),
        "year": rng.randint(1995, 2025),
        "subjects": chosen,
        "description": "",
    }


def _authors_by_name(names):
    """Author rows for `names`, creating those missing (authors are shared by books)."""
    names = sorted(set(names))
    found = {}
    for batch in _batches(names):
        found.update({a.name: a for a in Author.objects.filter(name__in=batch)})
    missing = [Author(name=name) for name in names if name not in found]
    Author.objects.bulk_create(missing, batch_size=BATCH, ignore_conflicts=True)
    if missing:
        for batch in _batches([a.name for a in missing]):
            found.update({a.name: a for a in Author.objects.filter(name__in=batch)})
    return found


def create_demo_books(count, *, first_number, rng, now):
    """Bulk-create `count` demo books (numbered from `first_number`) with their
    authors, subjects and copies; returns [(book, [copies])]."""
    subjects = {s.slug: s for s in Subject.objects.all()}
    specs = []
    for offset in range(count):
        number = first_number + offset
        if number < len(CURATED):
            spec = dict(CURATED[number])
        else:
            spec = _generated_spec(rng, list(subjects))
        spec["subjects"] = [slug for slug in spec["subjects"] if slug in subjects]
        spec["number"] = number
        specs.append(spec)

    authors = _authors_by_name(name for spec in specs for name in spec["authors"])
    taken_isbns = set()
    candidate_isbns = [demo_isbn13(spec["number"]) for spec in specs]
    for batch in _batches(candidate_isbns):
        taken_isbns.update(Book.objects.filter(isbn__in=batch).values_list("isbn", flat=True))
    slugs = [
        f"{slugify_pl(spec['title'], max_length=90, fallback='ksiazka')}-demo-{spec['number'] + 1}"
        for spec in specs
    ]
    taken_slugs = set()
    for batch in _batches(slugs):
        taken_slugs.update(Book.objects.filter(slug__in=batch).values_list("slug", flat=True))

    books = []
    for spec, isbn13, slug in zip(specs, candidate_isbns, slugs, strict=True):
        if slug in taken_slugs:
            slug = f"{slug}-{rng.randint(1000, 9999)}"
        # One demo book in ten has no ISBN, as older publications in the centre.
        has_isbn = isbn13 not in taken_isbns and (
            spec["number"] < len(CURATED) or rng.random() > 0.1
        )
        code = SHELF_CODES.get(spec["subjects"][0] if spec["subjects"] else "", "NGO")
        shelf_mark = f"{code}-{spec['number'] % 997 + 1:03d}"
        names_of_subjects = []
        # In the subjects' own order, as `library.search.book_document` reads them.
        for subject in sorted(
            (subjects[slug] for slug in spec["subjects"]), key=lambda s: (s.position, s.name_pl)
        ):
            names_of_subjects += [subject.name_pl, subject.name_en]
        title = spec["title"] + DEMO_SUFFIX
        isbn = isbn13 if has_isbn else ""
        book = Book(
            title=title,
            subtitle=spec["subtitle"],
            isbn=isbn,
            isbn_as_typed=stdnum_isbn.format(isbn) if isbn else "",
            publisher=spec["publisher"],
            year=spec["year"],
            language=Book.Language.ENGLISH if rng.random() < 0.05 else Book.Language.POLISH,
            description=f"(demo) {spec['description'] or 'Opis demonstracyjny.'}",
            shelf_mark=shelf_mark,
            slug=slug,
            is_demo=True,
            created_at=now - datetime.timedelta(days=rng.randint(0, 3650)),
            search_document=build_document(
                title,
                spec["subtitle"],
                *spec["authors"],
                spec["publisher"],
                *names_of_subjects,
                shelf_mark,
                isbn,
                isbn10_of(isbn),
            ),
        )
        book.spec = spec
        books.append(book)
    _bulk(Book, books)

    _bulk(
        BookAuthor,
        [
            BookAuthor(book=book, author=authors[name], position=position)
            for book in books
            for position, name in enumerate(book.spec["authors"])
        ],
    )
    through = Book.subjects.through
    _bulk(
        through,
        [
            through(book_id=book.pk, subject_id=subjects[slug].pk)
            for book in books
            for slug in book.spec["subjects"]
        ],
    )

    existing_numbers = set(
        Copy.objects.filter(inventory_number__startswith=INVENTORY_PREFIX).values_list(
            "inventory_number", flat=True
        )
    )
    next_number = Copy.objects.filter(is_demo=True).count() + 1
    copies = []
    per_book = []
    for book in books:
        own = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            while f"{INVENTORY_PREFIX}{next_number:05d}" in existing_numbers:
                next_number += 1
            copy = Copy(
                book=book,
                inventory_number=f"{INVENTORY_PREFIX}{next_number:05d}",
                condition=rng.choice(
                    [Copy.Condition.NEW, Copy.Condition.GOOD, Copy.Condition.GOOD]
                    + [Copy.Condition.WORN]
                ),
                status=Copy.Status.AVAILABLE,
                is_demo=True,
                created_at=book.created_at,
            )
            next_number += 1
            own.append(copy)
        if len(own) > 1 and rng.random() < 0.03:
            own[-1].status = Copy.Status.WITHDRAWN
            own[-1].condition = Copy.Condition.DAMAGED
            own[-1].notes = "(demo) Zniszczony egzemplarz."
        copies += own
        per_book.append((book, own))
    # Statuses change below, before the copies are written.
    return per_book, copies


# --- Circulation ------------------------------------------------------------------------------


class _Readers:
    """The demo accounts with what they already borrow and reserve (the limits)."""

    def __init__(self, users, settings):
        self.users = users
        self.settings = settings
        ids = [u.pk for u in users]
        self.loans = dict.fromkeys(ids, 0)
        self.holds = dict.fromkeys(ids, 0)
        for row in (
            Loan.objects.active()
            .filter(borrower__in=ids)
            .values("borrower")
            .annotate(n=Count("pk"))
        ):
            self.loans[row["borrower"]] = row["n"]
        for row in (
            Hold.objects.active().filter(user__in=ids).values("user").annotate(n=Count("pk"))
        ):
            self.holds[row["user"]] = row["n"]
        self.organizations = {}
        memberships = Membership.objects.filter(
            user__in=ids,
            status=Membership.Status.ACTIVE,
            organization__status=Organization.Status.PUBLISHED,
        ).select_related("organization")
        for membership in memberships:
            self.organizations.setdefault(membership.user_id, membership.organization)

    def may_borrow(self, user):
        # Two under the limit, so that someone trying the desk with a demo account
        # can still lend them a book or two.
        return self.loans[user.pk] < max(1, self.settings.max_active_loans - 2)

    def may_reserve(self, user):
        return self.holds[user.pk] < self.settings.max_active_holds


def plan_circulation(per_book, *, readers, rng, now, today):
    """Set the copies' statuses and return the loans and holds that explain them.

    The first book (the fundraising one, on the first run) stays on the shelf, so a
    visitor can reserve it; the demo member borrows the next three (the first of
    them overdue) and has the fifth set aside to collect."""
    settings = readers.settings
    loans, holds = [], []
    if not readers.users:
        return loans, holds
    member = readers.users[0]
    others = readers.users[1:] or [member]
    involved = {}  # book pk -> pks of the readers who borrow or reserve it

    def lend(book, copy, user, days_ago):
        lent_at = now - datetime.timedelta(days=days_ago, hours=rng.randint(0, 6))
        due_on = timezone.localdate(lent_at) + datetime.timedelta(days=settings.loan_days)
        overdue = due_on < today
        loans.append(
            Loan(
                copy=copy,
                borrower=user,
                organization=readers.organizations.get(user.pk) if rng.random() < 0.5 else None,
                lent_at=lent_at,
                due_on=due_on,
                overdue_reminder_sent_on=(
                    today - datetime.timedelta(days=rng.randint(0, 3))
                    if overdue and rng.random() < 0.5
                    else None
                ),
                is_demo=True,
            )
        )
        copy.status = Copy.Status.ON_LOAN
        readers.loans[user.pk] += 1
        involved.setdefault(book.pk, set()).add(user.pk)

    def set_aside(book, copy, user, days_ago):
        ready_at = now - datetime.timedelta(days=days_ago)
        holds.append(
            Hold(
                book=book,
                user=user,
                organization=readers.organizations.get(user.pk),
                status=Hold.Status.READY,
                created_at=ready_at - datetime.timedelta(days=rng.randint(0, 20)),
                copy=copy,
                ready_at=ready_at,
                expires_on=timezone.localdate(ready_at)
                + datetime.timedelta(days=settings.hold_pickup_days),
                is_demo=True,
            )
        )
        copy.status = Copy.Status.HELD
        readers.holds[user.pk] += 1
        involved.setdefault(book.pk, set()).add(user.pk)

    def free_copy(copies):
        return next((c for c in copies if c.status == Copy.Status.AVAILABLE), None)

    for position, (book, copies) in enumerate(per_book[1:4]):
        copy = free_copy(copies)
        if copy is not None and readers.may_borrow(member):
            lend(book, copy, member, settings.loan_days + 5 if position == 0 else 3)
    for book, copies in per_book[4:5]:
        copy = free_copy(copies)
        if copy is not None and readers.may_reserve(member):
            set_aside(book, copy, member, 1)

    # The other readers: about one title in eight has a copy out, a few are set aside.
    rest = per_book[5:]
    rng.shuffle(rest)
    for book, copies in rest:
        roll = rng.random()
        copy = free_copy(copies)
        user = rng.choice(others)
        if copy is None:
            continue
        if roll < 0.12 and readers.may_borrow(user):
            lend(book, copy, user, rng.randint(1, settings.loan_days + 20))
        elif 0.12 <= roll < 0.14 and readers.may_reserve(user):
            set_aside(book, copy, user, rng.randint(0, settings.hold_pickup_days - 1))

    # Readers wait only for titles with no copy on the shelf (else one would be set
    # aside for them), never for one they borrow or have reserved already.
    for book, copies in per_book:
        if all(c.status in (Copy.Status.AVAILABLE, Copy.Status.WITHDRAWN) for c in copies):
            continue  # on the shelf, or nothing to lend at all
        if any(c.status == Copy.Status.AVAILABLE for c in copies):
            continue
        for user in rng.sample(readers.users, k=min(len(readers.users), rng.choice((0, 1, 2)))):
            if user.pk in involved.get(book.pk, ()) or not readers.may_reserve(user):
                continue
            holds.append(
                Hold(
                    book=book,
                    user=user,
                    organization=readers.organizations.get(user.pk),
                    status=Hold.Status.WAITING,
                    created_at=now - datetime.timedelta(hours=rng.randint(1, 24 * 14)),
                    is_demo=True,
                )
            )
            readers.holds[user.pk] += 1
            involved.setdefault(book.pk, set()).add(user.pk)
    return loans, holds


def history_loans(per_book, *, users, rng, now, settings):
    """Returned loans of the past two years, for about one copy in four."""
    loans = []
    if not users:
        return loans
    for _book, copies in per_book:
        for copy in copies:
            if copy.status == Copy.Status.WITHDRAWN or rng.random() > 0.25:
                continue
            # Long before any of today's loans began.
            lent_at = now - datetime.timedelta(
                days=rng.randint(2 * settings.loan_days + 60, 2 * settings.loan_days + 730)
            )
            returned_at = lent_at + datetime.timedelta(days=rng.randint(3, settings.loan_days + 9))
            due_on = timezone.localdate(lent_at) + datetime.timedelta(days=settings.loan_days)
            loans.append(
                Loan(
                    copy=copy,
                    borrower=rng.choice(users),
                    lent_at=lent_at,
                    due_on=due_on,
                    returned_at=returned_at,
                    is_demo=True,
                )
            )
    return loans


# --- The command's entry point ---------------------------------------------------------------


def seed_demo(*, options, stdout):
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    wanted = options.get("books", DEFAULT_DEMO_BOOKS)
    if wanted is None:
        wanted = DEFAULT_DEMO_BOOKS
    if wanted < 0:
        raise CommandError("--books must be 0 or more.")
    existing = Book.objects.filter(is_demo=True).count()
    missing = max(0, wanted - existing)
    if not missing:
        stdout.write(f"Demo library: {existing} books already there, none created.")
        return
    now = timezone.now()
    today = timezone.localdate(now)
    rng = random.Random(DEMO_SEED + existing)  # noqa: S311 - demo data, not security
    settings = LibrarySettings.load()
    per_book, copies = create_demo_books(missing, first_number=existing, rng=rng, now=now)
    users = sorted(
        get_user_model().objects.filter(is_demo=True, is_active=True),
        key=lambda user: (user.email != DEMO_MEMBER_EMAIL, user.pk),
    )  # the demo member first
    readers = _Readers(users, settings)
    loans, holds = plan_circulation(per_book, readers=readers, rng=rng, now=now, today=today)
    _bulk(Copy, copies)
    history = history_loans(per_book, users=users, rng=rng, now=now, settings=settings)
    _bulk(Loan, history + loans)
    _bulk(Hold, holds)
    overdue = sum(1 for loan in loans if loan.due_on < today)
    ready = sum(1 for hold in holds if hold.status == Hold.Status.READY)
    stdout.write(
        f"Demo library: created {missing} books and {len(copies)} copies (there were "
        f"{existing}, wanted {wanted}); {len(loans)} on loan ({overdue} overdue), "
        f"{len(history)} returned loans, {ready} ready to collect, "
        f"{len(holds) - ready} reservations waiting."
    )
