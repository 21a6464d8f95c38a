"""An index on the moment a dossier finished processing, for the form 06 statistics.

`motcua.stats.figures.relevant` limits every report to dossiers received before the period's end and not
finished before its start: `received_at >= start OR finished >= start OR finished IS NULL`, where
finished = COALESCE(result_ready_at, returned_at, closed_at). With this expression index beside the
existing `dossier_received_at` index, PostgreSQL answers that with a BitmapOr of index scans instead of
reading every dossier since the first. SQLite supports the same expression index.

The index lives here, not in `dossiers/models.py`, because only the statistics query that expression;
the expression must stay identical to `figures.FINISHED_AT`.
"""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS stats_dossier_finished ON dossiers_dossier "
    "((COALESCE(result_ready_at, returned_at, closed_at)))"
)
DROP = "DROP INDEX IF EXISTS stats_dossier_finished"


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
