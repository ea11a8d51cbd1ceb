"""Initial, editable consultation topics: the advice the centre offers, from its
page (see shared/seed). Staff edit and add topics in the admin; this migration
never overwrites an existing row and undoing it deletes nothing. It also creates
the one row of the consultation settings with their defaults."""

from django.db import migrations

# (slug, name_pl, name_en), positions 10, 20, ...
TOPICS = [
    ("zarzadzanie-organizacja", "Zarządzanie organizacją pozarządową", "Managing an NGO"),
    ("wolontariat", "Wolontariat", "Volunteering"),
    ("pozyskiwanie-funduszy", "Pozyskiwanie funduszy", "Fundraising"),
    (
        "wnioski-i-oferty",
        "Pisanie wniosków i ofert na realizację zadań publicznych gminy",
        "Grant applications and offers for the city's public tasks",
    ),
    ("metoda-projektow", "Praca metodą projektów", "Project method"),
    (
        "zakladanie-i-rozwiazywanie",
        "Zakładanie i rozwiązywanie stowarzyszenia lub fundacji",
        "Founding or dissolving an association or foundation",
    ),
    ("statuty", "Tworzenie statutów", "Statutes"),
    ("zbiorki-publiczne", "Organizacja zbiórek publicznych", "Public collections"),
    (
        "obowiazki-wobec-nadzoru",
        "Obowiązki organizacji wobec organu nadzoru",
        "Duties towards the supervising authority",
    ),
    ("materialy-promocyjne", "Przygotowanie materiałów promocyjnych", "Promotional materials"),
    (
        "prawo-administracyjne",
        "Prawo administracyjne (Centrum Informacji Administracyjnej)",
        "Administrative law (the students' law clinic)",
    ),
    ("inne", "Inne", "Other"),
]


def add_initial_data(apps, schema_editor):
    Topic = apps.get_model("consultations", "Topic")
    ConsultationSettings = apps.get_model("consultations", "ConsultationSettings")
    for position, (slug, name_pl, name_en) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(
            slug=slug, defaults={"name_pl": name_pl, "name_en": name_en, "position": position * 10}
        )
    ConsultationSettings.objects.get_or_create(pk=1)


class Migration(migrations.Migration):
    dependencies = [("consultations", "0002_appointment_no_overlap")]

    operations = [migrations.RunPython(add_initial_data, migrations.RunPython.noop)]
