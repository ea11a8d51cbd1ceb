from django.core.management.base import BaseCommand

from consultations.services import send_appointment_reminders


class Command(BaseCommand):
    help = (
        "E-mail the day-before reminder (with the ICS file) of tomorrow's confirmed "
        "consultations. Each appointment is reminded once: safe to run from cron as "
        "often as you like."
    )

    def handle(self, *args, **options):
        sent = send_appointment_reminders()
        self.stdout.write(f"Appointment reminders sent: {sent}.")
