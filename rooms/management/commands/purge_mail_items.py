from django.core.management.base import BaseCommand

from rooms.services.mail import mail_items_purge, retention_days


class Command(BaseCommand):
    help = (
        "Delete the records of mail collected more than MAIL_ITEM_RETENTION_DAYS ago "
        "(mail not yet collected is kept). Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Keep collected mail for this many days (default: MAIL_ITEM_RETENTION_DAYS).",
        )
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *args, days, dry_run, **options):
        if days is None:
            days = retention_days()
        count = mail_items_purge(older_than_days=days, dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(f"{verb} {count} mail item(s) collected more than {days} days ago.")
