"""The demo's fees: the demo citizen has an online dossier with fees to pay (its procedure requires
payment before reception), and the provincial desk has recorded cash for part of its recent dossiers
with fees, so its list shows both paid and unpaid."""

from __future__ import annotations

from django.db.models import Q

from motcua.catalog.selectors import procedure_for_intake
from motcua.core.errors import NotFound
from motcua.dossiers.models import Dossier
from motcua.dossiers.services import ApplicantData, dossier_submit
from motcua.org.choices import AgencyKind
from motcua.org.models import Agency, User
from motcua.payments.models import Payment, PaymentPolicy
from motcua.payments.services import cash_record, fees_due

PAY_FIRST = "3.000333"  # Phiếu lý lịch tư pháp: paid online before the desk receives it


def payments_load_demo() -> dict[str, int]:
    if Payment.objects.exists() or PaymentPolicy.objects.exists() or not Dossier.objects.exists():
        return {}  # once, and only beside the demo's history
    PaymentPolicy.objects.create(procedure_code=PAY_FIRST, pay_before_reception=True)
    citizen = User.objects.filter(username="congdan").first()
    centre = Agency.objects.filter(kind=AgencyKind.SERVICE_CENTRE).first()
    officer = User.objects.filter(username="motcua").first()
    if citizen is None or centre is None or officer is None:
        return {}
    try:
        version = procedure_for_intake(PAY_FIRST)
    except NotFound:
        return {}
    dossier_submit(
        actor=citizen,
        procedure_version=version,
        applicant=ApplicantData(
            name=citizen.full_name or "Lường Thị Công Dân",
            identifier=citizen.personal_identifier or "014190001234",
            phone="0912345678",
            address="Tổ 2, phường Tô Hiệu, tỉnh Sơn La",
        ),
        receiving_agency=centre,
        idempotency_key="fees-showcase",
    )
    recorded = 0
    recent = (
        Dossier.objects.filter(receiving_agency=centre, received_at__isnull=False)
        .filter(Q(fees_amount__gt=0) | Q(procedure_version__fees__amount__gt=0))
        .distinct()
        .order_by("-received_at")[:12]
    )
    for n, dossier in enumerate(recent):
        if n % 2 == 0 and fees_due(dossier) > 0:
            cash_record(actor=officer, dossier_code=dossier.code)
            recorded += 1
    return {"cash": recorded}
