import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "For a local run: create an administrator account if there is none and "
        "print its credentials (kept in var/local-admin.txt)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--email", default="admin@example.com")

    def handle(self, *args, email, **options):
        if not settings.DEBUG:
            raise CommandError("This command is for local development only (DEBUG is off).")
        from allauth.account.models import EmailAddress

        credentials_file = settings.VAR_DIR / "local-admin.txt"
        User = get_user_model()
        if User.objects.filter(is_superuser=True).exists():
            if credentials_file.exists():
                self.stdout.write(f"Local admin account: {credentials_file.read_text().strip()}")
            else:
                self.stdout.write("An administrator account already exists.")
            return
        password = secrets.token_urlsafe(12)
        user = User.objects.create_superuser(
            email=email, password=password, first_name="Admin", last_name="Lokalny"
        )
        EmailAddress.objects.update_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
        credentials_file.write_text(f"{email} / {password}\n")
        credentials_file.chmod(0o600)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created a local admin account: {email} / {password} "
                f"(log in at {settings.SITE_URL}/admin/)"
            )
        )
