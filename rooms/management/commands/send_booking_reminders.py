from django.core.management.base import BaseCommand

from rooms.services import send_booking_reminders


class Command(BaseCommand):
    help = (
        "E-mail the day-before reminder (with the ICS file) of tomorrow's confirmed "
        "room bookings. Each booking is reminded once: safe to run from cron as often "
        "as you like."
    )

    def handle(self, *args, **options):
        sent = send_booking_reminders()
        self.stdout.write(f"Booking reminders sent: {sent}.")
