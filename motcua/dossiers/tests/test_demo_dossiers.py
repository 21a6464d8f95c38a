"""The demo history: played through the workflow, every status present, ~98 % on time, audit intact."""

import pytest
from django.core.management import call_command
from django.db.models import F
from django.utils import timezone

from motcua.demo.loader import load_demo
from motcua.dossiers.choices import DossierStatus
from motcua.dossiers.demo import FREE_SALE_CODE, dossiers_load_demo
from motcua.dossiers.models import Dossier, DossierEvent, DossierStep
from motcua.dossiers.selectors import my_tasks
from motcua.org.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def province(monkeypatch):
    # The demo province alone; the history is played by each test at the size it needs.
    monkeypatch.setenv("MOTCUA_DEMO_DOSSIER_DAYS", "0")
    load_demo()
    return None


def test_a_season_of_demo_dossiers(province, capsys):
    counts = dossiers_load_demo(days=120, per_day=4)
    assert set(counts) == set(DossierStatus.values), counts

    returned = Dossier.objects.filter(status=DossierStatus.RETURNED)
    late = returned.filter(result_ready_at__gt=F("due_at")).count()
    on_time = 1 - late / returned.count()
    assert 0.96 <= on_time <= 0.995, (late, returned.count())
    assert Dossier.objects.filter(apology_issued=True).exists()
    assert DossierStep.objects.filter(kind="consultation").exists()  # parallel consultations
    assert Dossier.objects.exclude(competent_agency=F("receiving_agency")).exists()  # inter-agency
    assert DossierEvent.objects.filter(action="supplement").exists()
    assert set(Dossier.objects.values_list("channel", flat=True)) == {"desk", "online", "post"}
    assert Dossier.objects.filter(procedure_version__procedure__code=FREE_SALE_CODE).exists()
    for identifier, phone in Dossier.objects.values_list("applicant_identifier", "applicant_phone")[:200]:
        assert len(identifier) in (10, 12) and identifier.isdigit(), identifier
        assert len(phone) == 10 and phone.startswith("0"), phone

    # Events carry the moments of the history, not of the load.
    first = DossierEvent.objects.order_by("created_at").first()
    last_receipt = Dossier.objects.order_by("received_at").exclude(received_at=None).first()
    assert (last_receipt.received_at - first.created_at).days < 2

    # Whoever signs in as a demo officer, specialist or leader finds dossiers waiting for them.
    for username in ("motcua", "chuyenvien", "lanhdao"):
        assert my_tasks(User.objects.get(username=username)).count() >= 3, username
    # The leader's list holds a dossier past its legal due moment (the overdue board shows it).
    assert any(d.due_at < timezone.now() for d in my_tasks(User.objects.get(username="lanhdao")))
    # …and the demo citizen one of their own dossiers waiting for a supplement.
    assert Dossier.objects.filter(
        applicant_user__username="congdan", status=DossierStatus.AWAITING_SUPPLEMENT
    ).exists()

    call_command("verify_audit")
    assert "every event chain intact" in capsys.readouterr().out

    # Idempotent: a second load adds nothing.
    before = Dossier.objects.count()
    assert dossiers_load_demo(days=120, per_day=4) == {}
    assert Dossier.objects.count() == before
