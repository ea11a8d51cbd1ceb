from django.core.management.base import BaseCommand

from awards.services.votes import vote_addresses_purge


class Command(BaseCommand):
    help = (
        "Forget the e-mail addresses and address ranges of the public votes of editions "
        "whose results have been announced (the votes stay counted). Run it daily from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Only count them.")

    def handle(self, *args, dry_run, **options):
        count = vote_addresses_purge(dry_run=dry_run)
        verb = "Would forget" if dry_run else "Forgot"
        self.stdout.write(f"{verb} the addresses of {count} vote(s) of announced results.")
