"""The library's part of "download my data" and of deleting an account.

Loans are kept for the library's records after an account is deleted (the
borrower becomes empty); an account with books still on loan cannot be deleted
until they are returned. Reservations go with the account: a copy set aside for
the person passes to the next reader (`library.signals`).
"""

from django.utils.translation import ngettext

from cwop_portal.personal_data import register, register_deletion_blocker
from library.models import Hold, Loan


@register("library")
def export_library(user):
    loans = (
        Loan.objects.filter(borrower=user)
        .select_related("copy__book", "organization")
        .order_by("lent_at", "pk")
    )
    holds = Hold.objects.filter(user=user).select_related("book").order_by("created_at", "pk")
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
    }


@register_deletion_blocker
def books_on_loan(user):
    count = Loan.objects.active().filter(borrower=user).count()
    if not count:
        return []
    return [
        ngettext(
            "You have %(count)d library book on loan. Return it to the centre before "
            "deleting your account.",
            "You have %(count)d library books on loan. Return them to the centre before "
            "deleting your account.",
            count,
        )
        % {"count": count}
    ]
