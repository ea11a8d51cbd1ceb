from importlib import import_module

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import module_has_submodule

# Shared by the demo accounts; printed by the command, documented in the README.
DEMO_PASSWORD = "demo-haslo-123"  # noqa: S105 - demo accounts only
# Demo member accounts (e-mail, first name, last name); each administers a demo organisation.
DEMO_MEMBERS = [
    ("czlonek@example.com", "Anna", "Demonstracyjna"),
    ("czlonek2@example.com", "Piotr", "Przykładowy"),
]


def demo_modules():
    """The `demo` modules of the other installed apps, each with
    `add_demo_arguments(parser)` and `seed_demo(*, options, stdout)`: the base
    knows no module, the modules bring their own demo data and size options."""
    return [
        import_module(f"{config.name}.demo")
        for config in apps.get_app_configs()
        if config.name != "cwop_portal" and module_has_submodule(config.module, "demo")
    ]


class Command(BaseCommand):
    help = (
        "Load demonstration data (idempotent). Every record it creates is marked "
        "as demo. Modules add their own data and size options."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Show what would be done.")
        for module in demo_modules():
            module.add_demo_arguments(parser)

    @transaction.atomic
    def handle(self, *args, dry_run=False, **options):
        from allauth.account.models import EmailAddress

        from cwop_portal.models import SiteSettings

        site = SiteSettings.load()
        if not site.street_address and not site.phone and not site.email:
            self.stdout.write("Demo contact details for the footer (marked as demo).")
            if not dry_run:
                site.street_address = "ul. Przykładowa 1 (adres demonstracyjny)"
                site.postal_code = "15-001"
                site.phone = "+48 85 000 00 00 (demo)"
                site.email = "cwop-demo@example.com"
                site.opening_hours_pl = "pon.–pt. 8:00–16:00 (godziny demonstracyjne)"
                site.opening_hours_en = "Mon–Fri 8:00–16:00 (demo hours)"
                site.is_demo = True
                site.save()

        User = get_user_model()
        for email, first_name, last_name in DEMO_MEMBERS:
            if User.objects.filter(email=email).exists():
                continue
            self.stdout.write(f"Demo member account {email} (password: {DEMO_PASSWORD}).")
            if dry_run:
                continue
            user = User.objects.create_user(
                email=email,
                password=DEMO_PASSWORD,
                first_name=first_name,
                last_name=last_name,
                is_demo=True,
            )
            EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
        self._seed_documents(dry_run)
        for module in demo_modules():
            module.seed_demo(options=options, stdout=self.stdout)
        if dry_run:
            transaction.set_rollback(True)
            self.stdout.write("Dry run: everything above was rolled back, nothing was saved.")
            return
        self.stdout.write(self.style.SUCCESS("Demo data is in place."))

    def _seed_documents(self, dry_run):
        from django.core.files.base import ContentFile

        from cwop_portal.demo_pdf import simple_pdf
        from cwop_portal.models import Document

        if Document.objects.filter(is_demo=True).exists():
            return
        self.stdout.write("A demo document for the documents page (marked as demo).")
        if dry_run:
            return
        pdf = simple_pdf(
            [
                "CWOP Bialystok - dokument demonstracyjny / demo document",
                "",
                "Ten plik pochodzi z danych demonstracyjnych portalu.",
                "This file is demo data of the portal.",
            ]
        )
        document = Document(
            title_pl="Dokument demonstracyjny",
            title_en="Demo document",
            description_pl="Plik z danych demonstracyjnych; pracownicy Centrum zastąpią go "
            "prawdziwymi dokumentami, np. regulaminem.",
            description_en="A file from the demo data; the centre's staff will replace it with "
            "real documents such as the rules.",
            is_demo=True,
        )
        document.file.save("dokument-demonstracyjny.pdf", ContentFile(pdf), save=False)
        document.full_clean()
        document.save()
