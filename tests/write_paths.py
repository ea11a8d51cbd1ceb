"""Write paths verified the way production runs them.

Inside a test transaction (pytest-django's `db`) a missing `transaction.atomic`, an
`on_commit` callback that fails or a constraint checked only at commit go unnoticed;
in production they are a 500. So every write path of the portal (a view that takes a
POST, an admin add/change/delete form, an admin action, an admin page of its own that
takes a POST) has at least one test that runs it outside a test transaction
(`@pytest.mark.django_db(transaction=True)` or the live server) and checks the
database afterwards. Such a test says which paths it covers:

    @pytest.mark.django_db(transaction=True)
    @pytest.mark.write_path("rooms:booking_cancel")
    def test_a_member_cancels_a_booking(...):

A path is named by its URL name ("rooms:booking_cancel", "account_login",
"admin:rooms_booking_change"), an admin action by its change list and the action's
name ("admin:rooms_booking_changelist:approve").

Two checks keep this honest:
- the recorder below (a test-only middleware) notes every POST and whether it ran
  outside a test transaction; after a test marked `write_path`, each path it names
  must have been POSTed outside a test transaction, or the test fails;
- `tests/test_write_paths.py` walks the URL catalogue and the admin registry and
  fails when a write path has no such test.
"""

import threading

from django.db import connections

_lock = threading.Lock()
_posts = []  # (path name, outside a test transaction, status code)


def in_test_transaction_only(connection):
    """True when the only transactions open are the ones a test opened around itself:
    then production would be in autocommit mode here."""
    blocks = connection.atomic_blocks
    return bool(blocks) and all(getattr(block, "_from_testcase", False) for block in blocks)


def outside_test_transaction():
    return not any(
        connection.in_atomic_block and in_test_transaction_only(connection)
        for connection in connections.all(initialized_only=True)
    )


def path_name(request):
    match = request.resolver_match
    if match is None or not match.view_name:
        return None
    name = match.view_name
    if name.startswith("admin:") and name.endswith("_changelist") and request.POST.get("action"):
        return f"{name}:{request.POST['action']}"
    return name


class RecorderMiddleware:
    """Notes each POST with the path's name (test settings only)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request._write_path_outside = outside_test_transaction()
        response = self.get_response(request)
        if request.method == "POST":
            name = getattr(request, "_write_path_name", None)
            if name:
                with _lock:
                    _posts.append((name, request._write_path_outside, response.status_code))
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST":
            request._write_path_name = path_name(request)


def start():
    with _lock:
        _posts.clear()


def posted_outside_a_test_transaction():
    with _lock:
        return {name for name, outside, status in _posts if outside and status < 500}
