from django.core.management.base import BaseCommand, CommandError

from cwop_portal.emails import collect_mail
from library.services import library_reminders_send


class Command(BaseCommand):
    help = (
        "E-mail readers whose library books are due within the reminder period (once per "
        "loan period) or overdue (repeated at the interval set in the library settings). "
        "Safe to run from cron as often as you like: a loan is never reminded twice the "
        "same day. A reminder whose e-mail fails is tried again by the next run (this one "
        "then ends with an error)."
    )

    def handle(self, *args, **options):
        with collect_mail() as report:
            sent = library_reminders_send()
        self.stdout.write(
            f"Library reminders sent: {sent['due_soon']} due soon, {sent['overdue']} overdue."
        )
        if report.failed():
            raise CommandError(
                f"Library reminders not sent: {len(report.failed())} (the mail server failed); "
                "the next run tries them again."
            )
