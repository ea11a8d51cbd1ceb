from django.core.management.base import BaseCommand

from library.services import send_library_reminders


class Command(BaseCommand):
    help = (
        "E-mail readers whose library books are due within the reminder period (once per "
        "loan period) or overdue (repeated at the interval set in the library settings). "
        "Safe to run from cron as often as you like: a loan is never reminded twice the same day."
    )

    def handle(self, *args, **options):
        sent = send_library_reminders()
        self.stdout.write(
            f"Library reminders sent: {sent['due_soon']} due soon, {sent['overdue']} overdue."
        )
