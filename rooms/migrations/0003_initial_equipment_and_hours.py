"""Initial, editable data of the rooms module: the list of equipment and the
centre's opening hours (Monday–Friday 8:00–16:00, the city offices' usual day).

Staff change both in the admin; this migration never overwrites an existing row
and undoing it deletes nothing. Polish public holidays need no rows: the
`holidays` package closes them.
"""

import datetime

from django.db import migrations

# (slug, name_pl, name_en), positions 10, 20, ...
EQUIPMENT = [
    ("projektor", "Projektor", "Projector"),
    ("ekran", "Ekran projekcyjny", "Projection screen"),
    ("flipchart", "Flipchart", "Flipchart"),
    ("tablica", "Tablica suchościeralna", "Whiteboard"),
    ("komputer", "Komputer", "Computer"),
    ("drukarka", "Drukarka", "Printer"),
    ("skaner", "Skaner", "Scanner"),
    ("kserokopiarka", "Kserokopiarka", "Photocopier"),
    ("telefon", "Telefon", "Telephone"),
    ("wi-fi", "Wi-Fi", "Wi-Fi"),
    ("naglosnienie", "Nagłośnienie", "Sound system"),
    ("petla-indukcyjna", "Pętla indukcyjna", "Induction loop"),
]

OPENS, CLOSES = datetime.time(8, 0), datetime.time(16, 0)


def add_initial_data(apps, schema_editor):
    Equipment = apps.get_model("rooms", "Equipment")
    OpeningHours = apps.get_model("rooms", "OpeningHours")
    for position, (slug, name_pl, name_en) in enumerate(EQUIPMENT, start=1):
        Equipment.objects.get_or_create(
            slug=slug,
            defaults={"name_pl": name_pl, "name_en": name_en, "position": position * 10},
        )
    if not OpeningHours.objects.filter(resource__isnull=True).exists():
        for weekday in range(5):
            OpeningHours.objects.create(weekday=weekday, opens=OPENS, closes=CLOSES)


class Migration(migrations.Migration):
    dependencies = [("rooms", "0002_booking_no_overlap")]

    operations = [migrations.RunPython(add_initial_data, migrations.RunPython.noop)]
