from django.core.management.base import BaseCommand, CommandError

from cooperation.services.alerts import (
    consultation_invitations_send,
    consultation_reminders_send,
)
from cwop_portal.emails import collect_mail


class Command(BaseCommand):
    help = (
        "E-mail the organisations about public consultations: the invitation once a "
        "consultation takes remarks, and the reminder three days before its deadline "
        "to those that have sent no remark. Each goes once per consultation: safe to "
        "run from cron every hour. E-mails that fail are not tried again (the command "
        "then ends with an error naming how many)."
    )

    def handle(self, *args, **options):
        with collect_mail() as report:
            invited = consultation_invitations_send()
            reminded = consultation_reminders_send()
        self.stdout.write(f"Consultation invitations sent: {invited}; reminders sent: {reminded}.")
        if report.failed():
            raise CommandError(
                f"Consultation e-mails not sent: {len(report.failed())} (the mail server failed)."
            )
