"""On PostgreSQL, no two bookings of a resource that hold their slot (pending or
confirmed) may overlap: an exclusion constraint over the resource and the booking's
time range, whatever writes the rows (the site, the admin, a script, raw SQL).

A half-open range ('[)') lets one booking end exactly when the next begins.
SQLite cannot express this; there the booking service's IMMEDIATE transaction
serialises writers and checks overlaps itself.
"""

from django.db import migrations

CONSTRAINT = "rooms_booking_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE rooms_booking ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (resource_id WITH =, tstzrange(start, \"end\", '[)') WITH &&) "
        "WHERE (status IN ('pending', 'confirmed'))"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER TABLE rooms_booking DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("rooms", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
