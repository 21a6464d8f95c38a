from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a person may do, always within one agency (docs/design.md §1)."""

    CITIZEN = "citizen", _("Citizen / business")
    RECEIVING_OFFICER = "receiving_officer", _("Receiving officer")
    SPECIALIST = "specialist", _("Specialist")
    LEADER = "leader", _("Leader")
    OFFICE_REVIEWER = "office_reviewer", _("Office reviewer")
    CHAIRMAN = "chairman", _("Chairman")
    ADMINISTRATOR = "administrator", _("Administrator")


STAFF_ROLES = frozenset(Role) - {Role.CITIZEN}


class AgencyKind(models.TextChoices):
    PEOPLES_COMMITTEE = "peoples_committee", _("People's Committee")
    COMMITTEE_OFFICE = "committee_office", _("People's Committee Office")
    DEPARTMENT = "department", _("Department")
    SERVICE_CENTRE = "service_centre", _("Public administration service centre")
    DIVISION = "division", _("Division")
    OTHER = "other", _("Other")


class IdentitySource(models.TextChoices):
    """Who vouched for an account's identity (name, date of birth, personal identifier or tax code)."""

    VNEID = "vneid", _("VNeID (national electronic identity)")
    DESK = "desk", _("checked at a one-stop desk")
