from django.core.management.base import BaseCommand

from library.services import holds_expire


class Command(BaseCommand):
    help = (
        "End the reservations of books not collected by their date and pass each copy to "
        "the next reader waiting (who is e-mailed) or back to the shelf. Run daily from cron."
    )

    def handle(self, *args, **options):
        expired = holds_expire()
        self.stdout.write(f"Uncollected reservations expired: {expired}.")
