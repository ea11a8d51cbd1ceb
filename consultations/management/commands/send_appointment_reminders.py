from django.core.management.base import BaseCommand, CommandError

from consultations.services.appointments import appointment_reminders_send
from cwop_portal.emails import collect_mail


class Command(BaseCommand):
    help = (
        "E-mail the day-before reminder (with the ICS file) of tomorrow's confirmed "
        "consultations. Each appointment is reminded once: safe to run from cron as "
        "often as you like. A reminder whose e-mail fails is tried again by the next "
        "run (this one then ends with an error)."
    )

    def handle(self, *args, **options):
        with collect_mail() as report:
            sent = appointment_reminders_send()
        self.stdout.write(f"Appointment reminders sent: {sent}.")
        if report.failed():
            raise CommandError(
                f"Appointment reminders not sent: {len(report.failed())} (the mail server failed); "
                "the next run tries them again."
            )
