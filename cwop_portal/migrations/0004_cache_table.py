"""The table of the database cache, the default cache when REDIS_URL is unset
(settings.CACHE_TABLE), created by `migrate` so that no deployment needs an extra
step. It is the table `createcachetable` makes (that command makes it here), on
SQLite and PostgreSQL alike, and is left alone if it exists already (e.g. made by
`createcachetable` before). The table is created whatever the cache settings are at
migrate time, so a deployment may switch between Redis and it."""

from django.core.management import call_command
from django.db import migrations

CACHE_TABLE = "cwop_cache"  # settings.CACHE_TABLE


def create_cache_table(apps, schema_editor):
    call_command(
        "createcachetable", CACHE_TABLE, database=schema_editor.connection.alias, verbosity=0
    )


def drop_cache_table(apps, schema_editor):
    schema_editor.execute(
        f"DROP TABLE IF EXISTS {schema_editor.connection.ops.quote_name(CACHE_TABLE)}"
    )


class Migration(migrations.Migration):
    dependencies = [("cwop_portal", "0003_privacy_page_after_account_deletion")]

    operations = [migrations.RunPython(create_cache_table, drop_cache_table, elidable=False)]
