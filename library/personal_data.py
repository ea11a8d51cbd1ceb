"""The library's part of "download my data" and of deleting an account.

Loans are kept for the library's records after an account is deleted (the
borrower becomes empty); an account with books still on loan cannot be deleted
until they are returned (and the database refuses an active loan without a
borrower). Reservations go with the account: a copy set aside for the person
passes to the next reader (`library.signals`).
"""

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext, ngettext

from cwop_portal.history import exported
from cwop_portal.personal_data import DeletionBlocker, register, register_deletion_blocker
from library.models import (
    BookChange,
    CatalogueImport,
    CopyChange,
    Hold,
    LibrarySettingsChange,
    Loan,
)


@register("library")
def export_library(user):
    loans = (
        Loan.objects.filter(borrower=user)
        .select_related("copy__book", "organization")
        .order_by("lent_at", "pk")
    )
    holds = Hold.objects.filter(user=user).select_related("book").order_by("created_at", "pk")
    # What a member of staff did at the desk: which copy and when, not to whom.
    handled = (
        Loan.objects.filter(Q(lent_by=user) | Q(returned_to=user))
        .select_related("copy")
        .order_by("lent_at", "pk")
    )
    imports = CatalogueImport.objects.filter(uploaded_by=user).order_by("uploaded_at", "pk")
    return {
        "loans": [
            {
                "title": loan.copy.book.title,
                "inventory_number": loan.copy.inventory_number,
                "organization": loan.organization.name if loan.organization_id else None,
                "lent_at": loan.lent_at.isoformat(),
                "due_on": loan.due_on.isoformat(),
                "renewals": loan.renewals,
                "returned_at": loan.returned_at.isoformat() if loan.returned_at else None,
            }
            for loan in loans
        ],
        "reservations": [
            {
                "title": hold.book.title,
                "status": hold.status,
                "placed_at": hold.created_at.isoformat(),
                "collect_by": hold.expires_on.isoformat() if hold.expires_on else None,
            }
            for hold in holds
        ],
        "loans_handled_at_the_desk": [
            {
                "inventory_number": loan.copy.inventory_number,
                "lent_by_you": loan.lent_by_id == user.pk,
                "lent_at": loan.lent_at.isoformat(),
                "returned_to_you": loan.returned_to_id == user.pk,
                "returned_at": loan.returned_at.isoformat() if loan.returned_at else None,
            }
            for loan in handled
        ],
        "catalogue_imports": [
            {
                "file_name": catalogue_import.original_name,
                "uploaded_at": catalogue_import.uploaded_at.isoformat(),
                "status": catalogue_import.status,
            }
            for catalogue_import in imports
        ],
        # What a member of staff changed in the catalogue and the lending rules.
        "catalogue_history_entries": [
            *(
                {"book": change.book_id, **exported(change, user)}
                for change in BookChange.objects.filter(user=user).order_by("created_at", "pk")
            ),
            *(
                {"copy": change.copy_id, **exported(change, user)}
                for change in CopyChange.objects.filter(user=user).order_by("created_at", "pk")
            ),
        ],
        "settings_history_entries": [
            exported(change, user)
            for change in LibrarySettingsChange.objects.filter(user=user).order_by(
                "created_at", "pk"
            )
        ],
    }


@register_deletion_blocker
def books_on_loan(user, *, lock):
    # The user row is locked by the deletion, as lending locks it (`_lock_user`).
    count = Loan.objects.active().filter(borrower=user).count()
    if not count:
        return []
    return [
        DeletionBlocker(
            message=ngettext(
                "%(count)d library book is still on loan to this account. It has to be "
                "returned to the centre before the account is deleted.",
                "%(count)d library books are still on loan to this account. They have to be "
                "returned to the centre before the account is deleted.",
                count,
            )
            % {"count": count},
            url=reverse("library:my_library"),
            link_text=gettext("My library"),
        )
    ]
