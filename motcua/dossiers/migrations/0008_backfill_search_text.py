"""Data: the search key of every existing dossier; PostgreSQL: a trigram index so `LIKE '%word%'` on it
stays an index scan (SQLite scans, correct and fast enough for an embedded demo)."""

from django.db import migrations


def backfill(apps, schema_editor):
    from motcua.dossiers.search import search_key

    Dossier = apps.get_model("dossiers", "Dossier")
    batch = []
    fields = ("code", "applicant_name", "applicant_identifier", "applicant_phone", "authorised_person")
    for row in Dossier.objects.only("pk", *fields).iterator(chunk_size=2000):
        row.search_text = search_key(
            code=row.code,
            name=row.applicant_name,
            identifier=row.applicant_identifier,
            phone=row.applicant_phone,
            authorised_person=row.authorised_person,
        )
        batch.append(row)
        if len(batch) >= 2000:
            Dossier.objects.bulk_update(batch, ["search_text"])
            batch = []
    if batch:
        Dossier.objects.bulk_update(batch, ["search_text"])


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS dossier_search_trgm ON dossiers_dossier USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS dossier_search_trgm")


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0007_search_text")]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
