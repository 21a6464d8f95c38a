"""Data migration: fill DossierAgency for the dossiers that existed before it (a frozen copy of
`motcua.dossiers.participants.BACKFILL_SQL`)."""

from django.db import migrations

BACKFILL_SQL = """
INSERT INTO dossiers_dossieragency (dossier_id, agency_id, due_at)
SELECT d.id, a.agency_id, d.due_at
FROM dossiers_dossier d
JOIN (
    SELECT id AS dossier_id, receiving_agency_id AS agency_id FROM dossiers_dossier WHERE receiving_agency_id IS NOT NULL
    UNION SELECT id, competent_agency_id FROM dossiers_dossier WHERE competent_agency_id IS NOT NULL
    UNION SELECT id, current_agency_id FROM dossiers_dossier WHERE current_agency_id IS NOT NULL
    UNION SELECT dossier_id, agency_id FROM dossiers_dossierstep
) a ON a.dossier_id = d.id
"""


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_dossier_agency")]

    operations = [migrations.RunSQL(BACKFILL_SQL, reverse_sql="DELETE FROM dossiers_dossieragency")]
