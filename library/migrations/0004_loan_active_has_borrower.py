"""The database refuses a book on loan without its reader (an account deleted past the
"no deletion with books on loan" rule left such loans behind).

Loans already left that way are closed first: the copy is not known to be back, so
it is withdrawn from circulation with a note for staff, who return it to circulation
(the copies' admin action) once it is found on the shelf.
"""

from django.db import migrations, models
from django.db.models import Q
from django.utils import timezone

NOTE = (
    "Wycofany automatycznie: konto czytelnika usunięto, gdy egzemplarz był wypożyczony. "
    "Sprawdź, czy wrócił na półkę, i przywróć go do obiegu."
)


def close_loans_without_a_borrower(apps, schema_editor):
    Loan = apps.get_model("library", "Loan")
    Copy = apps.get_model("library", "Copy")
    now = timezone.now()
    for loan in Loan.objects.filter(returned_at__isnull=True, borrower__isnull=True):
        loan.returned_at = max(now, loan.lent_at)
        loan.save(update_fields=["returned_at"])
        copy = Copy.objects.get(pk=loan.copy_id)
        copy.status = "withdrawn"
        copy.notes = (copy.notes + "\n" if copy.notes else "") + NOTE
        copy.save(update_fields=["status", "notes"])


class Migration(migrations.Migration):
    dependencies = [("library", "0003_subjects_and_settings")]

    operations = [
        migrations.RunPython(close_loans_without_a_borrower, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="loan",
            constraint=models.CheckConstraint(
                condition=Q(returned_at__isnull=False) | Q(borrower__isnull=False),
                name="library_loan_active_has_borrower",
            ),
        ),
    ]
