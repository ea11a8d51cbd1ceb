from django.db import transaction


@transaction.atomic
def user_delete(*, user):
    """Delete an account with everything that identifies the person.

    Records other people rely on (bookings, loans, history) are kept by the
    apps that own them, detached from the person (their foreign keys use
    SET_NULL); everything else goes with the user row.
    """
    user.delete()
