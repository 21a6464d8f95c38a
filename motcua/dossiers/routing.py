"""Where a dossier goes (DESIGN §4 "where filed is not where decided"): which agencies may decide a
procedure, and which desk receives a dossier filed online or by post.

Reads only; the workflow service (`services.dossier_submit`, `services.dossier_receive`) applies them, so
no channel (desk form, online filing, API, post) can create a dossier that no desk receives or that an
agency the procedure does not name decides.
"""

from __future__ import annotations

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from motcua.catalog.models import ProcedureVersion
from motcua.core.errors import InvalidInput
from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Agency, Desk, Membership

# MOTCUA_FILING_DESK: "own" — a dossier filed online or by post goes to the desk of the agency that
# decides it when that agency has one (a commune's People's Committee), else to the province centre;
# "centre" — always to the province centre.
FILING_DESK_MODES = ("own", "centre")


def deciding_agencies(version: ProcedureVersion) -> QuerySet[Agency]:
    """The agencies that may decide a dossier of `version`: its competent agency, or, for a procedure
    that names none (each commune decides in its own area), the active People's Committees of the levels
    the procedure is carried out at — a commune procedure is never decided by the province."""
    active = Agency.objects.filter(is_active=True).select_related("unit")
    if version.competent_agency_id:
        return active.filter(pk=version.competent_agency_id)
    return active.filter(kind=AgencyKind.PEOPLES_COMMITTEE, unit__level__in=version.levels.all()).order_by(
        "name"
    )


def check_deciding_agency(version: ProcedureVersion, agency: Agency | None) -> Agency:
    """`agency` if it may decide `version` (or the procedure's own competent agency when none is given);
    InvalidInput `agency_required` otherwise, naming what to choose."""
    if agency is None and version.competent_agency_id:
        return version.competent_agency
    if agency is not None and deciding_agencies(version).filter(pk=agency.pk).exists():
        return agency
    if version.competent_agency_id:
        raise InvalidInput(
            _("This procedure is decided by %(agency)s.") % {"agency": version.competent_agency.name},
            code="agency_required",
        )
    raise InvalidInput(
        _("Choose the commune or ward whose People's Committee decides this procedure."),
        code="agency_required",
    )


def province_centre() -> Agency | None:
    """The province's Public Administration Service Centre: MOTCUA_CENTRE_AGENCY (an agency identifier)
    when set, else the one active service centre."""
    identifier = getattr(settings, "MOTCUA_CENTRE_AGENCY", "")
    centres = Agency.objects.filter(is_active=True)
    if identifier:
        return centres.filter(identifier=identifier).first()
    return centres.filter(kind=AgencyKind.SERVICE_CENTRE).order_by("pk").first()


def can_receive(agency: Agency) -> bool:
    """An agency receives dossiers when it has an active desk and an active receiving officer."""
    return (
        Desk.objects.filter(agency=agency, is_active=True).exists()
        and Membership.objects.filter(
            agency=agency, role=Role.RECEIVING_OFFICER, user__is_active=True
        ).exists()
    )


def filing_desk_agency(competent: Agency) -> Agency:
    """The agency whose desk receives a dossier filed online or by post and decided by `competent`
    (MOTCUA_FILING_DESK); InvalidInput `no_receiving_desk` when no desk can receive it."""
    mode = getattr(settings, "MOTCUA_FILING_DESK", "own")
    candidates = [competent, province_centre()] if mode == "own" else [province_centre()]
    for agency in candidates:
        if agency is not None and can_receive(agency):
            return agency
    raise no_receiving_desk()


def no_receiving_desk() -> InvalidInput:
    return InvalidInput(
        _(
            "No desk can receive this procedure at the moment. File it at a desk, or contact the "
            "Public Administration Service Centre."
        ),
        code="no_receiving_desk",
    )
