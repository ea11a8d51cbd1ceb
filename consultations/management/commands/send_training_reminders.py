from django.core.management.base import BaseCommand, CommandError

from consultations.services.trainings import training_reminders_send
from cwop_portal.emails import collect_mail


class Command(BaseCommand):
    help = (
        "E-mail registered people the reminder (with the ICS file) of trainings whose "
        "first session is tomorrow. Each registration is reminded once: safe to run "
        "from cron as often as you like. A reminder whose e-mail fails is tried again "
        "by the next run (this one then ends with an error)."
    )

    def handle(self, *args, **options):
        with collect_mail() as report:
            sent = training_reminders_send()
        self.stdout.write(f"Training reminders sent: {sent}.")
        if report.failed():
            raise CommandError(
                f"Training reminders not sent: {len(report.failed())} (the mail server failed); "
                "the next run tries them again."
            )
