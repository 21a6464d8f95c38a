"""Issue 9 item 11: a meeting links to the subjects of its agenda: a publication decision, a petition, a
control-plan task; each shown only to those who may open it."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from motcua.catalog import publication_services
from motcua.control.models import Meeting
from motcua.control.tests.factories import PlanTaskFactory
from motcua.feedback import services as feedback_services
from motcua.feedback.models import PetitionCategory
from motcua.org.choices import AgencyKind, Role
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def agenda():
    office = AgencyFactory(
        identifier="000.00.01.H52", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )
    justice = AgencyFactory(identifier="000.00.03.H52", name="Sở Tư pháp")

    def member(name, agency, role):
        return MembershipFactory(user=UserFactory(username=name), agency=agency, role=role).user

    reviewer = member("reviewer", office, Role.OFFICE_REVIEWER)
    drafter = member("drafter", justice, Role.SPECIALIST)
    decision = publication_services.publication_decision_create(
        actor=drafter, drafting_agency=justice, title="Công bố TTHC lĩnh vực hộ tịch"
    )
    petition = feedback_services.petition_submit(
        category=PetitionCategory.objects.get(code="quy-dinh-hanh-chinh"),
        subject="Đề nghị bỏ bản sao giấy khai sinh",
        content="…",
        submitter_name="Lò Văn Dân",
        submitter_phone="0912000111",
    )
    task = PlanTaskFactory(owner_agency=justice, name="Rà soát TTHC hộ tịch")
    return {
        "office": office,
        "reviewer": reviewer,
        "drafter": drafter,
        "decision": decision,
        "petition": petition,
        "task": task,
    }


def _form(a, **extra):
    start = timezone.localtime() + dt.timedelta(days=3)
    return {
        "title": "Họp thẩm tra dự thảo và PAKN",
        "organiser": a["office"].pk,
        "starts_at": start.strftime("%Y-%m-%dT09:00"),
        "ends_at": start.strftime("%Y-%m-%dT10:00"),
        **extra,
    }


def test_a_meeting_links_to_its_subjects(client, agenda):
    a = agenda
    client.force_login(a["reviewer"])
    listing = client.get(reverse("control:meeting_list")).content.decode()
    assert 'name="petition_codes"' in listing and 'name="plan_tasks"' in listing
    # The organiser offered first is the reviewer's own Office, not the first agency of the alphabet.
    assert f'<option value="{a["office"].pk}" selected>' in listing
    response = client.post(
        reverse("control:meeting_create"),
        _form(a, petition_codes=a["petition"].code.lower(), plan_tasks=[a["task"].pk]),
    )
    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert list(meeting.petitions.all()) == [a["petition"]] and list(meeting.plan_tasks.all()) == [a["task"]]
    page = client.get(reverse("control:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("feedback:staff_detail", args=[a["petition"].code]) in page
    assert reverse("control:task_detail", args=[a["task"].pk]) in page
    # The drafting department links its own draft decision to the meeting's agenda, as organiser's staff would.
    client.force_login(a["drafter"])
    meeting.organiser = a["decision"].drafting_agency
    meeting.save()
    client.post(
        reverse("control:meeting_subjects", args=[meeting.pk]),
        {"decisions": [a["decision"].pk], "plan_tasks": [a["task"].pk]},
    )
    assert list(meeting.decisions.all()) == [a["decision"]] and not meeting.petitions.exists()
    page = client.get(reverse("control:meeting_detail", args=[meeting.pk])).content.decode()
    assert reverse("control:publication_review", args=[a["decision"].pk]) in page


def test_unknown_or_hidden_subjects_are_refused(client, agenda):
    a = agenda
    client.force_login(a["reviewer"])
    response = client.post(
        reverse("control:meeting_create"), _form(a, petition_codes="PAKN-000000-0000"), follow=True
    )
    assert "PAKN-000000-0000" in response.content.decode() and not Meeting.objects.exists()
    # The reviewer cannot see the department's draft: it cannot be put on the agenda by id.
    client.post(reverse("control:meeting_create"), _form(a, decisions=[a["decision"].pk]))
    assert not Meeting.objects.exists()
