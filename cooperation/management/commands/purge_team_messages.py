from django.conf import settings
from django.core.management.base import BaseCommand

from cooperation.services.team import team_messages_purge


class Command(BaseCommand):
    help = (
        "Delete messages relayed to the NGO Consultation Team once their retention period "
        "is over (CONTACT_MESSAGE_RETENTION_DAYS). Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.CONTACT_MESSAGE_RETENTION_DAYS,
            help="Keep messages for this many days.",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *args, days, dry_run, **options):
        count = team_messages_purge(older_than_days=days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} message(s) to the team older than {days} days.")
