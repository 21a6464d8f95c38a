"""An index on the moment a dossier row last changed, for the snapshot's incremental refresh.

`motcua.stats.snapshot.refresh` looks for the dossiers changed since its previous run
(`updated_at >= refreshed_at - margin`): a handful among millions, found through this index instead of a
scan of the whole table. It lives here, beside 0001, because only the statistics query it.
"""

from django.db import migrations

CREATE = "CREATE INDEX IF NOT EXISTS stats_dossier_updated ON dossiers_dossier (updated_at)"
DROP = "DROP INDEX IF EXISTS stats_dossier_updated"


class Migration(migrations.Migration):
    dependencies = [("stats", "0002_snapshot"), ("dossiers", "0001_initial")]

    operations = [migrations.RunSQL(CREATE, DROP)]
