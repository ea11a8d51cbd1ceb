"""The staff's circulation desk and the list of overdue loans (admin pages).

BookAdmin.get_urls serves them as `admin:library_desk` and
`admin:library_overdue`. At the desk, typing (or scanning) an inventory number
shows the copy: who has it and until when, or for whom it is set aside. An
available copy (or one set aside for the reader being served) is lent to a
registered reader found by their e-mail address, for themselves or on behalf of
one of their organisations (asked only when they have any); a lent copy is
returned or renewed. Everything goes through `library.services`; a refusal is
shown on the field it concerns (HTTP 200, nothing changed), a success is a
message after a redirect (POST-redirect-GET).
"""

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from cwop_portal.dates import format_date
from cwop_portal.emails import failed_recipients
from cwop_portal.spreadsheets import csv_response
from library.models import Copy, Hold, LibrarySettings, Loan

DESK_PERMISSION = "library.change_loan"
OVERDUE_PERMISSION = "library.view_loan"
OVERDUE_PER_PAGE = 100
INVENTORY_MAX_LENGTH = Copy._meta.get_field("inventory_number").max_length


def _services():
    from library import services

    return services


def _person(user):
    if user is None:
        return gettext("deleted account")
    return user.get_full_name() or user.email


# --- Forms ------------------------------------------------------------------------------


class FindCopyForm(forms.Form):
    inventory_number = forms.CharField(
        label=_("Inventory number"),
        max_length=INVENTORY_MAX_LENGTH,
        help_text=_("As written in the book, e.g. B/0123; letter case does not matter."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


class LendForm(forms.Form):
    """The reader, found by the e-mail address of their account; `organizations`:
    the reader's organisations to choose from (None while the reader is unknown)."""

    inventory_number = forms.CharField(widget=forms.HiddenInput, max_length=INVENTORY_MAX_LENGTH)
    email = forms.EmailField(
        label=_("Reader's e-mail address"),
        max_length=254,
        help_text=_("The address of the reader's account on the portal."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    organization = forms.ChoiceField(
        label=_("The reader borrows"),
        required=False,
        widget=forms.RadioSelect,
        error_messages={
            "invalid_choice": _(
                "Choose one of the reader's organisations, or that they borrow for themselves."
            )
        },
    )

    def __init__(self, *args, organizations=None, **kwargs):
        kwargs.setdefault("auto_id", "lend_%s")  # the page's other form has id_…
        super().__init__(*args, **kwargs)
        self.borrower = None
        self.organizations = organizations
        if organizations is None:
            del self.fields["organization"]
        else:
            self.fields["organization"].choices = [
                ("", gettext("for themselves")),
                *[
                    (str(o.pk), gettext("on behalf of %(name)s") % {"name": o.name})
                    for o in organizations
                ],
            ]

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        user = (
            get_user_model()
            .objects.filter(email__iexact=email, is_active=True)
            .order_by("pk")
            .first()
        )
        if user is None:
            raise ValidationError(
                _(
                    "No active account on the portal has the e-mail address “%(email)s”. "
                    "The reader must register first."
                )
                % {"email": email},
                code="unknown_reader",
            )
        self.borrower = user
        return email

    def chosen_organization(self):
        pk = self.cleaned_data.get("organization")
        if not pk:
            return None
        return next((o for o in self.organizations or () if str(o.pk) == pk), None)


def _set_autofocus(form, name):
    form.fields[name].widget.attrs["autofocus"] = True


# --- The copy, as the desk shows it -------------------------------------------------


class CopyAtDesk:
    """The copy with its active loan, its set-aside hold and the title's queue."""

    def __init__(self, copy, *, user):
        services = _services()
        self.copy = (
            Copy.objects.select_related("book")
            .prefetch_related("book__book_authors__author")
            .get(pk=copy.pk)
        )
        self.book = self.copy.book
        self.settings = LibrarySettings.load()
        self.today = timezone.localdate()
        self.loan = (
            Loan.objects.active()
            .filter(copy=self.copy)
            .select_related("borrower", "organization")
            .first()
        )
        self.hold = (
            Hold.objects.filter(copy=self.copy, status=Hold.Status.READY)
            .select_related("user", "organization")
            .first()
            if self.copy.status == Copy.Status.HELD
            else None
        )
        self.waiting = services.waiting_count(self.book.pk)
        self.can_renew, self.renew_refusal = (False, "")
        if self.loan is not None:
            self.loan.copy = self.copy
            self.can_renew, self.renew_refusal = services.can_renew(
                self.loan, user=user, settings=self.settings, waiting=self.waiting
            )

    @property
    def authors(self):
        return ", ".join(self.book.author_names())

    @property
    def is_lendable(self):
        return self.copy.status in (Copy.Status.AVAILABLE, Copy.Status.HELD)

    @property
    def days_overdue(self):
        if self.loan is None or self.loan.due_on >= self.today:
            return 0
        return (self.today - self.loan.due_on).days

    @property
    def due_if_lent_today(self):
        return self.settings.due_date(self.today)

    @property
    def renewed_due_on(self):
        if self.loan is None:
            return None
        return max(self.loan.due_on, self.settings.due_date(self.today))


# --- Views ---------------------------------------------------------------------------------


def admin_urls(admin_site):
    return [
        path("desk/", admin_site.admin_view(desk_view(admin_site)), name="library_desk"),
        path("overdue/", admin_site.admin_view(overdue_view(admin_site)), name="library_overdue"),
    ]


def _page_context(admin_site, request, title):
    return {
        **admin_site.each_context(request),
        "title": title,
        "opts": Loan._meta,
        "changelist_url": reverse("admin:library_loan_changelist"),
        "desk_url": reverse("admin:library_desk"),
        "overdue_url": reverse("admin:library_overdue"),
    }


def _desk_address(inventory_number=""):
    url = reverse("admin:library_desk")
    if inventory_number:
        url += "?" + urlencode({"inventory_number": inventory_number})
    return url


def _service_errors(exc):
    return exc.message_dict if hasattr(exc, "error_dict") else {None: exc.messages}


def desk_view(admin_site):
    def view(request):
        if not request.user.has_perm(DESK_PERMISSION):
            raise PermissionDenied
        if request.method == "POST":
            return _desk_post(admin_site, request)
        find_form = FindCopyForm(request.GET if "inventory_number" in request.GET else None)
        copy = None
        if find_form.is_bound and find_form.is_valid():
            copy = _find(find_form)
        return _render_desk(admin_site, request, find_form=find_form, copy=copy)

    return view


def _find(find_form):
    """The copy the (valid) form names, or None with the error on its field."""
    try:
        return _services().find_copy(find_form.cleaned_data["inventory_number"])
    except ValidationError as exc:
        for message in _service_errors(exc).get("inventory_number", exc.messages):
            find_form.add_error("inventory_number", message)
        return None


def _render_desk(admin_site, request, *, find_form, copy=None, lend_form=None, action_errors=()):
    at_desk = CopyAtDesk(copy, user=request.user) if copy is not None else None
    if at_desk is not None and at_desk.is_lendable and lend_form is None:
        initial = {"inventory_number": at_desk.copy.inventory_number}
        organizations = None
        if at_desk.hold is not None:
            # Set aside for a reader: most likely the one at the desk.
            initial["email"] = at_desk.hold.user.email
            initial["organization"] = str(at_desk.hold.organization_id or "")
            organizations = list(_services().bookable_organizations(at_desk.hold.user))
        lend_form = LendForm(initial=initial, organizations=organizations)
    # One field has the focus: the reader's e-mail when a copy is ready to lend
    # (or the e-mail was wrong), otherwise the inventory number for the next copy.
    if lend_form is not None and not find_form.errors and not lend_form.non_field_errors():
        _set_autofocus(lend_form, "email")
    else:
        _set_autofocus(find_form, "inventory_number")
    forms_with_errors = [f for f in (find_form, lend_form) if f is not None and f.errors]
    context = {
        **_page_context(admin_site, request, gettext("Circulation desk")),
        "find_form": find_form,
        "lend_form": lend_form,
        "at_desk": at_desk,
        "action_errors": list(action_errors),
        "error_forms": forms_with_errors,
        "has_errors": bool(forms_with_errors or action_errors),
        "choosing_organization": lend_form is not None and lend_form.organizations is not None,
        "copies_url": reverse("admin:library_copy_changelist"),
        "book_url": (
            reverse("admin:library_book_change", args=[at_desk.book.pk]) if at_desk else ""
        ),
    }
    return TemplateResponse(request, "admin/library/desk.html", context)


def _desk_post(admin_site, request):
    action = request.POST.get("action")
    find_form = FindCopyForm(request.POST)
    copy = _find(find_form) if find_form.is_valid() else None
    if copy is None or action not in ("lend", "return", "renew"):
        if copy is not None:
            find_form.add_error(None, gettext("Choose what to do with the copy."))
        return _render_desk(admin_site, request, find_form=find_form, copy=copy)
    if action == "lend":
        return _lend(admin_site, request, find_form, copy)
    services = _services()
    try:
        if action == "return":
            loan, hold = services.copy_return(copy=copy, by=request.user)
            message = _returned_message(copy, loan, hold)
        else:
            loan = Loan.objects.active().filter(copy=copy).select_related("copy__book").first()
            if loan is None:
                raise ValidationError({"copy": gettext("This copy is not on loan.")})
            loan = services.loan_renew(loan=loan, by=request.user)
            message = gettext("“%(title)s” (%(number)s) renewed until %(date)s.") % {
                "title": copy.book.title,
                "number": copy.inventory_number,
                "date": format_date(loan.due_on),
            }
    except ValidationError as exc:
        errors = _service_errors(exc)
        for message in errors.pop("copy", []) + errors.pop("inventory_number", []):
            find_form.add_error("inventory_number", message)
        refusals = [m for messages_ in errors.values() for m in messages_]
        label = gettext("Return") if action == "return" else gettext("Renewal")
        return _render_desk(
            admin_site,
            request,
            find_form=find_form,
            copy=copy,
            action_errors=[f"{label}: {m}" for m in refusals],
        )
    messages.success(request, message)
    return HttpResponseRedirect(_desk_address(copy.inventory_number))


def _returned_message(copy, loan, hold):
    values = {
        "title": copy.book.title,
        "number": copy.inventory_number,
        "borrower": _person(loan.borrower),
    }
    if hold is not None and hold.user.email in failed_recipients("library_hold_ready"):
        return gettext(
            "“%(title)s” (%(number)s) returned by %(borrower)s. It is now set aside for "
            "%(reader)s (%(email)s) until %(date)s, but the e-mail to them could not be sent: "
            "let them know another way, e.g. by phone, and put it on the reservations shelf."
        ) % {
            **values,
            "reader": _person(hold.user),
            "email": hold.user.email,
            "date": format_date(hold.expires_on),
        }
    if hold is not None:
        return gettext(
            "“%(title)s” (%(number)s) returned by %(borrower)s. It is now set aside for "
            "%(reader)s (%(email)s) until %(date)s, who has been sent an e-mail: put it on "
            "the reservations shelf."
        ) % {
            **values,
            "reader": _person(hold.user),
            "email": hold.user.email,
            "date": format_date(hold.expires_on),
        }
    if copy.book.shelf_mark:
        return gettext(
            "“%(title)s” (%(number)s) returned by %(borrower)s. Nobody is waiting for it: "
            "put it back on the shelf, %(shelf)s."
        ) % {**values, "shelf": copy.book.shelf_mark}
    return (
        gettext(
            "“%(title)s” (%(number)s) returned by %(borrower)s. Nobody is waiting for it: "
            "put it back on the shelf."
        )
        % values
    )


def _lend(admin_site, request, find_form, copy):
    services = _services()
    data = request.POST
    probe = LendForm(data)
    if not probe.is_valid():
        return _render_desk(admin_site, request, find_form=find_form, copy=copy, lend_form=probe)
    borrower = probe.borrower
    organizations = list(services.bookable_organizations(borrower))
    if organizations and "organization" not in data:
        # The reader has organisations: ask for whom they borrow before lending.
        form = LendForm(
            initial={
                "inventory_number": copy.inventory_number,
                "email": borrower.email,
                "organization": "",
            },
            organizations=organizations,
        )
        messages.info(
            request,
            gettext(
                "%(reader)s is a member of an organisation: choose whether they borrow for "
                "themselves or on its behalf, then confirm."
            )
            % {"reader": _person(borrower)},
        )
        return _render_desk(admin_site, request, find_form=find_form, copy=copy, lend_form=form)
    form = LendForm(data, organizations=organizations)
    if not form.is_valid():
        return _render_desk(admin_site, request, find_form=find_form, copy=copy, lend_form=form)
    try:
        loan = services.copy_lend(
            copy=copy,
            borrower=form.borrower,
            organization=form.chosen_organization(),
            by=request.user,
        )
    except ValidationError as exc:
        for field, field_messages in _service_errors(exc).items():
            for message in field_messages:
                if field in ("copy", "inventory_number"):
                    find_form.add_error("inventory_number", message)
                elif field == "organization" and "organization" in form.fields:
                    form.add_error("organization", message)
                elif field in ("borrower", "organization"):
                    form.add_error("email", message)
                else:
                    form.add_error(None, message)
        return _render_desk(admin_site, request, find_form=find_form, copy=copy, lend_form=form)
    values = {
        "title": copy.book.title,
        "number": copy.inventory_number,
        "reader": _person(form.borrower),
        "date": format_date(loan.due_on),
    }
    if loan.organization_id:
        message = gettext(
            "“%(title)s” (%(number)s) lent to %(reader)s on behalf of %(organization)s, "
            "due %(date)s."
        ) % {**values, "organization": loan.organization.name}
    else:
        message = gettext("“%(title)s” (%(number)s) lent to %(reader)s, due %(date)s.") % values
    messages.success(request, message)
    return HttpResponseRedirect(_desk_address(copy.inventory_number))


# --- Overdue loans ---------------------------------------------------------------------


def overdue_loans(today=None):
    """Active loans past their due date, the most overdue first."""
    return (
        Loan.objects.overdue(today)
        .select_related("copy__book", "borrower", "organization")
        .order_by("due_on", "lent_at", "pk")
    )


def _overdue_header():
    return [
        gettext("Days overdue"),
        gettext("Due date"),
        gettext("Inventory number"),
        gettext("Title"),
        gettext("Borrower"),
        gettext("E-mail address"),
        gettext("Organisation"),
        gettext("Last overdue reminder"),
    ]


def _overdue_record(loan, today):
    borrower = loan.borrower
    return [
        (today - loan.due_on).days,
        loan.due_on.isoformat(),
        loan.copy.inventory_number,
        loan.copy.book.title,
        _person(borrower),
        borrower.email if borrower else "",
        loan.organization.name if loan.organization_id else "",
        loan.overdue_reminder_sent_on.isoformat() if loan.overdue_reminder_sent_on else "",
    ]


def overdue_records(loans, today):
    """The rows of the list's CSV, the loans read in chunks."""
    for loan in loans.iterator(chunk_size=500):
        yield _overdue_record(loan, today)


def overdue_view(admin_site):
    @require_safe
    def view(request):
        if not request.user.has_perm(OVERDUE_PERMISSION):
            raise PermissionDenied
        today = timezone.localdate()
        loans = overdue_loans(today)
        if request.GET.get("format") == "csv":
            return csv_response(
                f"zalegle-wypozyczenia-{today:%Y-%m-%d}.csv",
                _overdue_header(),
                overdue_records(loans, today),
                streamed=True,
            )
        page = Paginator(loans, OVERDUE_PER_PAGE).get_page(request.GET.get("strona"))
        rows = [
            {
                "loan": loan,
                "days": (today - loan.due_on).days,
                "change_url": reverse("admin:library_loan_change", args=[loan.pk]),
                "desk_url": _desk_address(loan.copy.inventory_number),
            }
            for loan in page.object_list
        ]
        total = page.paginator.count
        context = {
            **_page_context(admin_site, request, gettext("Overdue loans")),
            "rows": rows,
            "page": page,
            "total": total,
            "summary": ngettext("%(count)d loan is overdue.", "%(count)d loans are overdue.", total)
            % {"count": total},
            "today": today,
            "csv_url": "?format=csv",
            "can_lend": request.user.has_perm(DESK_PERMISSION),
        }
        return TemplateResponse(request, "admin/library/overdue.html", context)

    return view
