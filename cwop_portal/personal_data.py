"""What the portal keeps about a person, for the "download my data" page.

Each app registers a function that returns its part of a user's data as
JSON-ready values; the base never imports the apps (they call `register`).
"""

from allauth.account.models import EmailAddress

_exporters = []
_deletion_blockers = []


def register(name):
    def decorator(func):
        _exporters.append((name, func))
        return func

    return decorator


@register("account")
def export_account(user):
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user).order_by("email")
        ],
        "groups": sorted(user.groups.values_list("name", flat=True)),
    }


def register_deletion_blocker(func):
    """`func(user)` returns a list of reasons (translated text) why the account
    cannot be deleted yet, e.g. library books still on loan."""
    _deletion_blockers.append(func)
    return func


def deletion_blockers(user):
    return [reason for func in _deletion_blockers for reason in func(user)]


def export_user_data(user):
    return {name: func(user) for name, func in _exporters}
