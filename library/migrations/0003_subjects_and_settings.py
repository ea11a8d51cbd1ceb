"""Initial, editable subjects of the centre's library (social affairs and the
third sector) and the one row of the lending rules with their defaults. Staff
edit and add subjects in the admin; this migration never overwrites an existing
row and undoing it deletes nothing."""

from django.db import migrations

# (slug, name_pl, name_en), positions 10, 20, ...
SUBJECTS = [
    ("zarzadzanie-organizacja", "Zarządzanie organizacją pozarządową", "Managing an NGO"),
    ("pozyskiwanie-funduszy", "Pozyskiwanie funduszy", "Fundraising"),
    ("projekty-i-granty", "Projekty i granty", "Projects and grants"),
    ("wolontariat", "Wolontariat", "Volunteering"),
    ("prawo", "Prawo organizacji pozarządowych", "NGO law"),
    ("finanse-i-ksiegowosc", "Finanse i księgowość", "Finance and accounting"),
    (
        "wspolpraca-z-administracja",
        "Współpraca z administracją publiczną",
        "Cooperation with public administration",
    ),
    ("ekonomia-spoleczna", "Ekonomia społeczna", "Social economy"),
    (
        "spoleczenstwo-obywatelskie",
        "Społeczeństwo obywatelskie i partycypacja",
        "Civil society and participation",
    ),
    ("komunikacja-i-promocja", "Komunikacja i promocja", "Communication and promotion"),
    ("pomoc-spoleczna", "Pomoc społeczna", "Social welfare"),
    ("edukacja", "Edukacja", "Education"),
    ("kultura", "Kultura", "Culture"),
    ("ekologia", "Ekologia i ochrona środowiska", "Ecology and the environment"),
    ("seniorzy", "Seniorzy", "Older people"),
    ("dzieci-i-mlodziez", "Dzieci i młodzież", "Children and young people"),
    (
        "osoby-z-niepelnosprawnosciami",
        "Osoby z niepełnosprawnościami",
        "People with disabilities",
    ),
    ("badania-i-ewaluacja", "Badania i ewaluacja", "Research and evaluation"),
    ("inne", "Inne", "Other"),
]


def add_initial_data(apps, schema_editor):
    Subject = apps.get_model("library", "Subject")
    LibrarySettings = apps.get_model("library", "LibrarySettings")
    for position, (slug, name_pl, name_en) in enumerate(SUBJECTS, start=1):
        Subject.objects.get_or_create(
            slug=slug, defaults={"name_pl": name_pl, "name_en": name_en, "position": position * 10}
        )
    LibrarySettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("library", "0002_search_trigram_index")]

    operations = [migrations.RunPython(add_initial_data, migrations.RunPython.noop)]
