"""Background work of the statistics, through the django-tasks API (`@task()`, then `.enqueue()`)."""

from __future__ import annotations

from django_tasks import task

from motcua.stats import snapshot


@task()
def refresh_snapshot_task() -> dict:
    """Bring the form 06 snapshot up to today, recomputing only the days changed dossiers touched."""
    return snapshot.refresh().as_dict()
