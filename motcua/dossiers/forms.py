"""Django forms of the back-office dossier pages: the desk, and one small form per workflow action.

Forms only parse and check input; every write goes through `services.dossier_receive`,
`services.dossier_submit` and `services.dossier_act`, which apply the rules.
"""

from __future__ import annotations

import re
import uuid
from decimal import Decimal

from django import forms
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from motcua.catalog.models import ProcedureVersion
from motcua.dossiers import results, routing, services
from motcua.dossiers.choices import Channel, DossierAction, DossierStatus, ReturnMethod, StepKind
from motcua.dossiers.models import Dossier
from motcua.dossiers.workflow import TRANSITIONS, Side, allowed_actions
from motcua.org.choices import Role
from motcua.org.models import Agency, Desk, User
from motcua.org.selectors import agencies_list, user_roles

A = DossierAction

_PHONE = re.compile(r"^\+?[0-9 .\-]{8,20}$")


def receiving_desks(user: User):
    """The active desks of the agencies where `user` is a receiving officer."""
    agency_ids = [a for role, a in user_roles(user) if role == Role.RECEIVING_OFFICER and a is not None]
    return (
        Desk.objects.filter(agency_id__in=agency_ids, is_active=True)
        .select_related("agency")
        .order_by("name")
    )


# --- the desk ------------------------------------------------------------------------------------------


class DeskForm(forms.Form):
    """Reception at the desk: the applicant, the documents checked against the procedure's list, and the
    officer's decision — receive (Form 01) or ask for completion first (Form 02)."""

    RECEIVE = "receive"
    REQUEST_COMPLETION = "request_completion"

    idempotency_key = forms.CharField(widget=forms.HiddenInput, max_length=64)
    desk = forms.ModelChoiceField(queryset=Desk.objects.none(), label=_("Desk"), empty_label=None)
    channel = forms.ChoiceField(
        label=_("Filed"),
        choices=[(Channel.DESK, _("at the desk, in person")), (Channel.POST, _("by post"))],
        initial=Channel.DESK,
        required=False,  # at the desk unless said otherwise
        widget=forms.RadioSelect,
    )
    competent_agency = forms.ModelChoiceField(
        queryset=Agency.objects.none(),
        label=_("Commune or ward that decides"),
        help_text=_("The People's Committee competent for the applicant's commune or ward."),
    )
    applicant_name = forms.CharField(label=_("Applicant"), max_length=200)
    applicant_identifier = forms.CharField(
        label=_("Personal identifier"),
        max_length=20,
        required=False,
        help_text=_("The 12-digit personal identifier, or the enterprise code of a business."),
    )
    applicant_phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    applicant_email = forms.EmailField(label=_("E-mail"), required=False)
    applicant_address = forms.CharField(label=_("Address"), max_length=300, required=False)
    authorised_person = forms.CharField(label=_("Authorised person"), max_length=200, required=False)
    fees_amount = forms.DecimalField(
        label=_("Fees collected (VND)"), min_value=0, max_digits=14, decimal_places=0, required=False
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents received"), widget=forms.CheckboxSelectMultiple, required=False
    )
    decision = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[
            (RECEIVE, _("Receive the dossier and issue the receipt (Form 01)")),
            (REQUEST_COMPLETION, _("Request completion before reception (Form 02)")),
        ],
        initial=RECEIVE,
    )
    completion_note = forms.CharField(
        label=_("What the applicant must complete"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        required=False,
    )

    def __init__(self, *args, user: User, procedure_version: ProcedureVersion, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.procedure_version = procedure_version
        self.fields["desk"].queryset = desks = receiving_desks(user)
        self.fields["idempotency_key"].initial = uuid.uuid4().hex
        if procedure_version.competent_agency_id is None:
            agencies = routing.deciding_agencies(procedure_version)
            self.fields["competent_agency"].queryset = agencies
            # A commune's own desk receives for itself; the centre names the commune.
            own = agencies.filter(pk__in=[d.agency_id for d in desks]).first()
            if own is not None:
                self.fields["competent_agency"].initial = own.pk
        else:
            del self.fields["competent_agency"]
        if not procedure_version.accepts_post:
            self.fields["channel"].choices = self.fields["channel"].choices[:1]
        self.required_documents = {}
        choices = []
        for document in procedure_version.documents.all():
            label = f"{document.name} ({document.get_form_display()}, {document.count})"
            if document.is_optional:
                label = f"{label} — {_('optional')}"
            else:
                self.required_documents[str(document.pk)] = document.name
            choices.append((str(document.pk), label))
        self.fields["documents"].choices = choices
        self.document_names = {str(d.pk): d.name for d in procedure_version.documents.all()}

    def clean_applicant_phone(self) -> str:
        phone = self.cleaned_data["applicant_phone"].strip()
        if phone and not _PHONE.match(phone):
            raise forms.ValidationError(_("Enter a phone number of digits, e.g. 0912 345 678."))
        return phone

    def clean(self):
        cleaned = super().clean()
        ticked = set(cleaned.get("documents") or [])
        self.missing = [name for pk, name in self.required_documents.items() if pk not in ticked]
        decision = cleaned.get("decision")
        if decision == self.RECEIVE and self.missing:
            self.add_error(
                "documents",
                _("Tick every required document, or choose to request completion. Missing: %(names)s.")
                % {"names": "; ".join(self.missing)},
            )
        if decision == self.REQUEST_COMPLETION and not self.missing and not cleaned.get("completion_note"):
            self.add_error("completion_note", _("Say what the applicant must complete."))
        return cleaned

    def applicant(self) -> services.ApplicantData:
        data = self.cleaned_data
        return services.ApplicantData(
            name=data["applicant_name"],
            identifier=data["applicant_identifier"],
            phone=data["applicant_phone"],
            email=data["applicant_email"],
            address=data["applicant_address"],
            authorised_person=data["authorised_person"],
        )

    def ticked_positions(self) -> list[int]:
        """Positions, in the procedure's list, of the documents the officer ticked as handed in."""
        ticked = set(self.cleaned_data.get("documents") or [])
        return [d.position for d in self.procedure_version.documents.all() if str(d.pk) in ticked]

    def completion_reason(self) -> str:
        parts = []
        if self.missing:
            parts.append(str(_("Missing documents: %(names)s.")) % {"names": "; ".join(self.missing)})
        if self.cleaned_data.get("completion_note"):
            parts.append(self.cleaned_data["completion_note"].strip())
        return "\n".join(parts)

    def save(self) -> Dossier:
        """Receive the dossier, or record it and ask for completion (both in one transaction). Raises the
        services' DomainError; a retried POST (same idempotency key) returns the first dossier."""
        data = self.cleaned_data
        desk = data["desk"]
        version = self.procedure_version
        if data["decision"] == self.RECEIVE:
            return services.dossier_receive(
                actor=self.user,
                desk=desk,
                procedure_version=version,
                applicant=self.applicant(),
                channel=data.get("channel") or Channel.DESK,
                competent_agency=data.get("competent_agency"),
                fees_amount=data["fees_amount"] or Decimal(0),
                idempotency_key=data["idempotency_key"],
                documents_received=self.ticked_positions(),
            )
        with transaction.atomic():
            dossier = services.dossier_submit(
                actor=self.user,
                procedure_version=version,
                applicant=self.applicant(),
                channel=data.get("channel") or Channel.DESK,
                competent_agency=data.get("competent_agency"),
                receiving_agency=desk.agency,
                idempotency_key=data["idempotency_key"],
            )
            if dossier.status != DossierStatus.SUBMITTED:  # a retried POST: already asked
                return dossier
            return services.dossier_act(
                dossier_code=dossier.code,
                action=A.REQUEST_COMPLETION,
                actor=self.user,
                version=dossier.version,
                reason=self.completion_reason(),
            )


# --- the actions on a dossier --------------------------------------------------------------------------


def available_actions(dossier: Dossier, user: User) -> list[str]:
    """The actions `user` may take on `dossier` now, in the table's order: the same guard, roles and
    facts the workflow service applies (`dossier` comes from `selectors.dossier_for`, steps prefetched)."""
    steps = list(dossier.steps.all())
    facts = services.dossier_facts(dossier, steps)
    memberships = user_roles(user)
    allowed: set[str] = set()
    for side in Side:
        roles = services.acting_roles(dossier, user, side, steps, memberships)
        if roles:
            allowed.update(
                a for a in allowed_actions(dossier.status, roles, facts) if TRANSITIONS[a].side == side
            )
    return [a for a in TRANSITIONS if a in allowed]


class ActionForm(forms.Form):
    """One workflow action, with the version of the dossier the officer saw (a stale form is refused)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )

    def __init__(self, *args, dossier: Dossier, user: User, action: str, **kwargs):
        kwargs.setdefault("prefix", action)
        kwargs.setdefault("initial", {"version": dossier.version})
        super().__init__(*args, **kwargs)
        self.dossier = dossier
        self.user = user
        self.action = action

    @property
    def label(self) -> str:
        return A(self.action).label

    def payload(self) -> dict:
        """Keyword arguments for `services.dossier_act`, besides the action, actor and version."""
        return {k: v for k, v in self.cleaned_data.items() if k != "version" and v not in (None, "", [])}

    def save(self, *, sent_names: list[str] | None = None) -> Dossier:
        """Take the action through the workflow service; raises its DomainError."""
        return services.dossier_act(
            dossier_code=self.dossier.code,
            action=self.action,
            actor=self.user,
            version=self.cleaned_data["version"],
            **self.payload(),
        )


class ReasonForm(ActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class OptionalReasonForm(ActionForm):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000, required=False
    )


class AssignForm(ActionForm):
    assignee = forms.ModelChoiceField(queryset=User.objects.none(), label=_("Assign to"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = (
            User.objects.filter(
                is_active=True,
                memberships__agency_id=self.dossier.current_agency_id,
                memberships__role__in=[Role.SPECIALIST, Role.LEADER],
            )
            .distinct()
            .order_by("full_name", "username")
        )
        self.fields["assignee"].label_from_instance = lambda u: u.full_name or u.get_username()

    def payload(self) -> dict:
        payload = super().payload()
        payload["assignee"] = payload["assignee"].pk
        return payload


class ConsultForm(ActionForm):
    agencies = forms.ModelMultipleChoiceField(
        queryset=agencies_list().none(), to_field_name="identifier", label=_("Agencies to consult")
    )
    days = forms.DecimalField(
        label=_("Time to answer (working days)"),
        min_value=Decimal("0.125"),
        max_value=60,
        decimal_places=3,
        initial=1,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agencies"].queryset = agencies_list().exclude(pk=self.dossier.current_agency_id)

    def payload(self) -> dict:
        payload = super().payload()
        payload["agencies"] = [a.identifier for a in payload["agencies"]]
        payload["days"] = str(payload["days"])
        return payload


class JoinForm(ActionForm):
    agency = forms.ChoiceField(label=_("Answer for"))
    opinion = forms.CharField(label=_("Opinion"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        mine = {a for role, a in user_roles(self.user) if role in (Role.SPECIALIST, Role.LEADER)}
        self.fields["agency"].choices = [
            (s.agency.identifier, s.agency.name)
            for s in self.dossier.steps.all()
            if s.kind == StepKind.CONSULTATION and s.finished_at is None and s.agency_id in mine
        ]


class ApologiseExtendForm(ActionForm):
    days = forms.DecimalField(
        label=_("Extension (working days)"), min_value=Decimal("0.125"), max_value=60, decimal_places=3
    )
    reason = forms.CharField(
        label=_("Reason for the delay"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )

    def payload(self) -> dict:
        payload = super().payload()
        payload["days"] = str(payload["days"])
        return payload


class ReturnResultForm(ActionForm):
    method = forms.ChoiceField(label=_("Returned"), choices=ReturnMethod.choices, initial=ReturnMethod.DESK)
    fees_amount = forms.DecimalField(
        label=_("Fees collected (VND)"), min_value=0, max_digits=14, decimal_places=0, required=False
    )

    def payload(self) -> dict:
        payload = super().payload()
        if "fees_amount" in payload:
            payload["fees_amount"] = str(payload["fees_amount"])
        return payload


class ResultFileForm(ActionForm):
    """Mark the result ready with its electronic result attached (optional), or attach (replace) it later."""

    result_file = forms.FileField(
        label=_("Electronic result (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,application/pdf"}),
        help_text=_(
            "The signed result as a PDF file; the applicant downloads it once it is returned online."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.action == A.ATTACH_RESULT:
            self.fields["result_file"].required = True

    def save(self, *, sent_names: list[str] | None = None) -> Dossier:
        upload = self.cleaned_data.get("result_file")
        if upload is None:
            return super().save()
        return results.result_attach(
            actor=self.user,
            dossier_code=self.dossier.code,
            version=self.cleaned_data["version"],
            upload=upload,
            sent_name=sent_names[-1] if sent_names else None,
            mark_ready=self.action == A.MARK_RESULT_READY,
            note=self.cleaned_data.get("note") or "",
        )


class ReceiveForm(ActionForm):
    desk = forms.ModelChoiceField(queryset=Desk.objects.none(), label=_("Desk"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["desk"].queryset = receiving_desks(self.user).filter(
            agency_id=self.dossier.receiving_agency_id
        )

    def payload(self) -> dict:
        payload = super().payload()
        if "desk" in payload:
            payload["desk"] = payload["desk"].pk
        return payload


class CorrectForm(ActionForm):
    """An administrator's correction: the step of the process the dossier is put at, with the reason."""

    to_step = forms.TypedChoiceField(label=_("Put the dossier at step"), coerce=int)
    agency = forms.ModelChoiceField(
        queryset=agencies_list().none(),
        to_field_name="identifier",
        label=_("Handled by (if another agency)"),
        required=False,
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_step"].choices = [
            (s.position, f"{s.position}. {s.name} — {s.agency.name}")
            for s in sorted(self.dossier.steps.all(), key=lambda s: s.position)
            if s.kind == StepKind.PROCESS
        ]
        self.fields["agency"].queryset = agencies_list()

    def payload(self) -> dict:
        payload = super().payload()
        if "agency" in payload:
            payload["agency"] = payload["agency"].identifier
        return payload


class LinkApplicantForm(ActionForm):
    """Link the dossier to the applicant's account, once the officer has checked their papers."""

    account = forms.CharField(
        label=_("The applicant's account (e-mail or phone)"),
        max_length=254,
        help_text=_("What the applicant signs in with."),
    )
    identity_checked = forms.BooleanField(
        label=_("I checked the applicant's identity papers against the dossier"), required=True
    )


ACTION_FORMS: dict[str, type[ActionForm]] = {
    A.END_CONSULTATION: ReasonForm,
    A.CORRECT: CorrectForm,
    A.LINK_APPLICANT: LinkApplicantForm,
    A.REQUEST_COMPLETION: ReasonForm,
    A.REFUSE: ReasonForm,
    A.REQUEST_SUPPLEMENT: ReasonForm,
    A.SUSPEND: ReasonForm,
    A.STOP: ReasonForm,
    A.SEND_BACK: OptionalReasonForm,
    A.WITHDRAW: OptionalReasonForm,
    A.ASSIGN: AssignForm,
    A.CONSULT: ConsultForm,
    A.JOIN: JoinForm,
    A.APOLOGISE_EXTEND: ApologiseExtendForm,
    A.RETURN_RESULT: ReturnResultForm,
    A.RECEIVE: ReceiveForm,
    A.MARK_RESULT_READY: ResultFileForm,
    A.ATTACH_RESULT: ResultFileForm,
}


def action_form(action: str, *, dossier: Dossier, user: User, data=None, files=None) -> ActionForm:
    """The form for `action` on `dossier`, bound to `data` (and `files`) when given."""
    form_class = ACTION_FORMS.get(action, ActionForm)
    return form_class(data, files, dossier=dossier, user=user, action=action)


class TaskFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("All open"))] + list(DossierStatus.choices)


class SearchForm(forms.Form):
    """The back-office search (issue 9 item 7): what staff type and the filters, all optional."""

    q = forms.CharField(
        label=_("Code, applicant, identifier or phone"),
        required=False,
        max_length=200,
        help_text=_("Diacritics are optional: “nguyen van an” finds “Nguyễn Văn An”."),
    )
    procedure = forms.ChoiceField(label=_("Procedure"), required=False)
    agency = forms.ChoiceField(label=_("Agency"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    due_from = forms.DateField(
        label=_("Due from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("Due to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, **kwargs):
        from motcua.catalog.selectors import procedures_current

        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status"))] + list(DossierStatus.choices)
        self.fields["agency"].choices = [("", _("Any agency"))] + [
            (a.identifier, a.name) for a in agencies_list()
        ]
        self.fields["procedure"].choices = [("", _("Any procedure"))] + [
            (v.procedure.code, f"{v.procedure.code} — {v.name}")
            for v in procedures_current().select_related("procedure")
        ]

    def clean(self):
        data = super().clean()
        if data.get("due_from") and data.get("due_to") and data["due_from"] > data["due_to"]:
            self.add_error("due_to", _("The end of the due period comes before its start."))
        return data

    @property
    def has_criteria(self) -> bool:
        return self.is_bound and any(self.data.get(name) for name in self.fields)
