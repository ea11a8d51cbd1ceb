from django.core.management.base import BaseCommand

from consultations.training_services import send_training_reminders


class Command(BaseCommand):
    help = (
        "E-mail registered people the reminder (with the ICS file) of trainings whose "
        "first session is tomorrow. Each registration is reminded once: safe to run "
        "from cron as often as you like."
    )

    def handle(self, *args, **options):
        sent = send_training_reminders()
        self.stdout.write(f"Training reminders sent: {sent}.")
