"""The public catalogue (/biblioteka/) and the reader's library page (/konto/biblioteka/).

Anybody searches the catalogue and sees whether a book can be borrowed; a
signed-in reader reserves a title, and under their account sees their loans,
reservations and history, renews a loan and cancels a reservation. Staff lend
and take books back in the admin. A loan or reservation of somebody else is a
404. Every write goes through `library.services`.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, IntegerField, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cwop_portal.emails import mail_failed
from library import services
from library.forms import CatalogueFilterForm, HoldForm
from library.models import Book, BookAuthor, Hold, LibrarySettings, Loan

PAGE_SIZE = 20
HISTORY_LIMIT = 50


def _with_details(books):
    """Authors in their order and subjects, in two queries for a whole page."""
    return books.prefetch_related(
        Prefetch("book_authors", queryset=BookAuthor.objects.select_related("author")),
        "subjects",
    )


def _title_lang(book):
    """The book's language for the `lang` attribute of its title, when it is not
    the page's (screen readers then pronounce it right); "" otherwise."""
    if book.language == Book.Language.OTHER or book.language == translation.get_language():
        return ""
    return book.language


def _for_display(books):
    found = services.availability(books)
    for book in books:
        book.availability = found.get(book.pk, services.Availability())
        book.title_lang = _title_lang(book)
    return books


# --- The public catalogue ------------------------------------------------------------


@require_safe
def book_list(request):
    form = CatalogueFilterForm(request.GET)
    form.is_valid()  # always valid: invalid values are dropped, not reported
    books = form.filter(Book.objects.all())
    paginator = Paginator(books, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = _for_display(list(_with_details(page.object_list)))
    return render(
        request,
        "library/book_list.html",
        {
            "filter_form": form,
            "page_obj": page,
            "books": page.object_list,
            "page_range": paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1),
        },
    )


def _reader_context(request, book):
    """What the reservation box shows a signed-in reader: their hold or loan of the
    title (then no form), and their place in the queue."""
    user = request.user
    hold = Hold.objects.active().filter(book=book, user=user).select_related("copy").first()
    loan = None
    if hold is None:
        loan = Loan.objects.active().filter(copy__book=book, borrower=user).first()
    position = None
    if hold is not None and hold.status == Hold.Status.WAITING:
        position = services.queue_position(hold)
    return {"my_hold": hold, "my_loan": loan, "my_position": position}


def _hold_form(request, data=None):
    organizations = services.bookable_organizations(request.user)
    # One query tells whether to offer the choice at all.
    return HoldForm(data, organizations=organizations if organizations.exists() else None)


def _book_or_404(slug):
    return get_object_or_404(_with_details(Book.objects.all()), slug=slug)


def _detail(request, book, form=None):
    availability = services.availability([book])[book.pk]
    book.title_lang = _title_lang(book)
    context = {
        "book": book,
        "availability": availability,
        "subjects": list(book.subjects.all()),
        "authors": book.author_names(),
        "pickup_days": LibrarySettings.load().hold_pickup_days,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': book.get_absolute_url()})}",
    }
    if request.user.is_authenticated:
        context.update(_reader_context(request, book))
        if form is not None:
            # A refused reservation: the reason shows whatever the reader's status.
            context["form"] = form
        elif availability.lendable and not (context["my_hold"] or context["my_loan"]):
            context["form"] = _hold_form(request)
    return render(request, "library/book_detail.html", context)


@require_safe
def book_detail(request, slug):
    return _detail(request, _book_or_404(slug))


def book_reserve(request, slug):
    """POST only: a signed-in reader reserves the title (a free copy is set aside
    at once, otherwise they join the queue)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("library:book_detail", args=[slug]))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    book = _book_or_404(slug)
    form = _hold_form(request, request.POST)
    if form.is_valid():
        try:
            hold = services.hold_place(
                book=book, user=request.user, organization=form.cleaned_data.get("organization")
            )
        except ValidationError as error:
            form.add_service_error(error)
        else:
            messages.success(request, _reserved_message(hold))
            return redirect(book)
    # The detail page again, with the reason in the form's error summary.
    return _detail(request, book, form=form)


def _reserved_message(hold):
    if hold.status == Hold.Status.READY and mail_failed("library_hold_ready"):
        return _(
            "Reserved. A copy of “%(title)s” is waiting for you: collect it from the centre "
            "by %(date)s. We could not e-mail you about it just now."
        ) % {"title": hold.book.title, "date": date_format(hold.expires_on, "j E Y")}
    if hold.status == Hold.Status.READY:
        return _(
            "Reserved. A copy of “%(title)s” is waiting for you: collect it from the centre "
            "by %(date)s. We have e-mailed you."
        ) % {"title": hold.book.title, "date": date_format(hold.expires_on, "j E Y")}
    return _(
        "Reserved. You are number %(position)s in the queue for “%(title)s”; we will e-mail "
        "you when a copy is set aside for you."
    ) % {"title": hold.book.title, "position": services.queue_position(hold)}


def _catalogue_file(kind):
    # Imported here: the export module is loaded only when a file is asked for.
    from library import exporting

    return exporting.catalogue_response(kind, public=True)


@require_safe
def catalogue_xlsx(request):
    return _catalogue_file("xlsx")


@require_safe
def catalogue_csv(request):
    return _catalogue_file("csv")


# --- The reader's page -----------------------------------------------------------------


def _queue_ahead():
    """Readers waiting for the same title before a hold (a subquery)."""
    return Coalesce(
        Subquery(
            Hold.objects.filter(book=OuterRef("book"), status=Hold.Status.WAITING)
            .filter(
                Q(created_at__lt=OuterRef("created_at"))
                | Q(created_at=OuterRef("created_at"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("book")
            .annotate(n=Count("pk"))
            .values("n"),
            output_field=IntegerField(),
        ),
        0,
    )


def _my_loans(user, today, settings):
    loans = list(
        Loan.objects.active()
        .filter(borrower=user)
        .select_related("copy__book", "organization")
        .order_by("due_on", "pk")
    )
    book_ids = {loan.copy.book_id for loan in loans}
    waiting = dict(
        Hold.objects.filter(book__in=book_ids, status=Hold.Status.WAITING)
        .values("book")
        .annotate(n=Count("pk"))
        .values_list("book", "n")
    )
    for loan in loans:
        loan.can_renew, loan.renew_refusal = services.can_renew(
            loan,
            user=user,
            settings=settings,
            waiting=waiting.get(loan.copy.book_id, 0),
        )
        loan.renewals_left = max(settings.max_renewals - loan.renewals, 0)
        loan.days_overdue = (today - loan.due_on).days if loan.due_on < today else 0
        loan.due_today = loan.due_on == today
    return loans


@login_required
@require_safe
def my_library(request):
    user = request.user
    today = timezone.localdate()
    settings = LibrarySettings.load()
    holds = list(
        Hold.objects.active()
        .filter(user=user)
        .select_related("book", "copy", "organization")
        .annotate(ahead=_queue_ahead())
        .order_by("created_at", "pk")
    )
    for hold in holds:
        hold.position = hold.ahead + 1
    returned = list(
        Loan.objects.filter(borrower=user, returned_at__isnull=False)
        .select_related("copy__book")
        .order_by("-returned_at", "-pk")[:HISTORY_LIMIT]
    )
    closed_holds = list(
        Hold.objects.filter(user=user)
        .exclude(status__in=Hold.ACTIVE_STATUSES)
        .select_related("book")
        .order_by("-closed_at", "-pk")[:HISTORY_LIMIT]
    )
    return render(
        request,
        "library/my_library.html",
        {
            "loans": _my_loans(user, today, settings),
            "holds": holds,
            "returned": returned,
            "closed_holds": closed_holds,
            "history_limit": HISTORY_LIMIT,
            "library_settings": settings,
        },
    )


def _own_or_404(queryset, pk):
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def _reader_post(request):
    """None when the request may go on; otherwise the response (log in first, or 405)."""
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("library:my_library"))
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    return None


def _error_text(error):
    return " ".join(error.messages)


def loan_renew(request, pk):
    refused = _reader_post(request)
    if refused:
        return refused
    loan = _own_or_404(Loan.objects.filter(borrower=request.user).select_related("copy__book"), pk)
    try:
        loan = services.loan_renew(loan=loan, by=request.user)
    except ValidationError as error:
        messages.error(
            request,
            _("“%(title)s” was not renewed: %(reason)s")
            % {"title": loan.copy.book.title, "reason": _error_text(error)},
        )
    else:
        values = {"title": loan.copy.book.title, "date": date_format(loan.due_on, "j E Y")}
        if mail_failed("library_loan_renewed"):
            message = _(
                "Renewed: “%(title)s” is now due back on %(date)s. We could not e-mail you "
                "about it just now."
            )
        else:
            message = _("Renewed: “%(title)s” is now due back on %(date)s. We have e-mailed you.")
        messages.success(request, message % values)
    return redirect("library:my_library")


def hold_cancel(request, pk):
    refused = _reader_post(request)
    if refused:
        return refused
    hold = _own_or_404(Hold.objects.filter(user=request.user).select_related("book"), pk)
    try:
        services.hold_cancel(hold=hold, by=request.user)
    except ValidationError as error:
        messages.error(
            request,
            _("The reservation of “%(title)s” was not cancelled: %(reason)s")
            % {"title": hold.book.title, "reason": _error_text(error)},
        )
    else:
        messages.success(
            request,
            _("Your reservation of “%(title)s” is cancelled.") % {"title": hold.book.title},
        )
    return redirect("library:my_library")
