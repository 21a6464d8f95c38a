"""PostgreSQL only: a trigram index so `search_text LIKE '%term%'` stays fast at scale.

SQLite keeps the plain scan, which is correct and fast enough for an embedded catalog.
"""

from django.db import migrations


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS catalog_version_search_trgm ON catalog_procedureversion "
        "USING gin (search_text gin_trgm_ops) WHERE is_current"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS catalog_version_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalog", "0002_initial")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
