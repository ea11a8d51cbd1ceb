from django.core.management.base import BaseCommand

from consultations.services import expire_stale_holds


class Command(BaseCommand):
    help = (
        "Mark as expired the appointments whose e-mail was not confirmed in time, "
        "freeing their slots and rooms. Safe to run from cron as often as you like "
        "(e.g. every 5 minutes)."
    )

    def handle(self, *args, **options):
        expired = expire_stale_holds()
        self.stdout.write(f"Appointment holds expired: {expired}.")
