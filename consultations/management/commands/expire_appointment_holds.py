from django.core.management.base import BaseCommand

from consultations.services.appointments import appointment_holds_expire


class Command(BaseCommand):
    help = (
        "Mark as expired the appointments whose e-mail was not confirmed in time, "
        "freeing their slots and rooms. Safe to run from cron as often as you like "
        "(e.g. every 5 minutes)."
    )

    def handle(self, *args, **options):
        expired = appointment_holds_expire()
        self.stdout.write(f"Appointment holds expired: {expired}.")
