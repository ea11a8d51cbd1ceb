"""On PostgreSQL, no two appointments of an advisor that keep them busy (held,
confirmed, attended, no-show) may overlap: an exclusion constraint over the
advisor and the appointment's time range ('[)': one may end when the next begins).
SQLite cannot express it; there the service's IMMEDIATE transaction serialises
writers and checks overlaps itself."""

from django.db import migrations

CONSTRAINT = "consultations_appointment_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE consultations_appointment ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (advisor_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
        "WHERE (status IN ('held', 'confirmed', 'attended', 'no_show'))"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f"ALTER TABLE consultations_appointment DROP CONSTRAINT IF EXISTS {CONSTRAINT}"
        )


class Migration(migrations.Migration):
    dependencies = [("consultations", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
