"""Which agencies take part in a dossier (`DossierAgency`), kept in step by the workflow service."""

from __future__ import annotations

from motcua.dossiers.models import Dossier, DossierAgency, DossierStep

# Builds the rows of the dossiers with id >= %s from the dossiers and their steps, for bulk loads that
# bypass the service (generate_dossiers) and repairs; those dossiers must have no rows yet.
FILL_FROM_ID_SQL = """
INSERT INTO dossiers_dossieragency (dossier_id, agency_id, due_at)
SELECT d.id, a.agency_id, d.due_at
FROM dossiers_dossier d
JOIN (
    SELECT id AS dossier_id, receiving_agency_id AS agency_id FROM dossiers_dossier WHERE receiving_agency_id IS NOT NULL
    UNION SELECT id, competent_agency_id FROM dossiers_dossier WHERE competent_agency_id IS NOT NULL
    UNION SELECT id, current_agency_id FROM dossiers_dossier WHERE current_agency_id IS NOT NULL
    UNION SELECT dossier_id, agency_id FROM dossiers_dossierstep
) a ON a.dossier_id = d.id
WHERE d.id >= %s
"""


def participating_agency_ids(dossier: Dossier, steps: list[DossierStep]) -> set[int]:
    """The agencies that take part in `dossier`, given all its steps."""
    ids = {dossier.receiving_agency_id, dossier.competent_agency_id, dossier.current_agency_id}
    ids.update(step.agency_id for step in steps)
    ids.discard(None)
    return ids


def participants_sync(
    dossier: Dossier, steps: list[DossierStep], *, known: set[int] | None = None, due_changed: bool = True
) -> None:
    """Add the rows of agencies that joined `dossier` and refresh the copied due moment.

    `known` are the agencies that already have a row (None for a new dossier). Agencies never leave:
    a dossier stays visible to an agency once it took part.
    """
    wanted = participating_agency_ids(dossier, steps)
    new = wanted if known is None else wanted - known
    if new:
        DossierAgency.objects.bulk_create(
            [DossierAgency(dossier=dossier, agency_id=agency_id, due_at=dossier.due_at) for agency_id in new],
            ignore_conflicts=known is not None,
        )
    if known and due_changed:
        DossierAgency.objects.filter(dossier=dossier).update(due_at=dossier.due_at)
