"""Issue 9 item 10: the Office draws up this year's control plan in the UI (groups, tasks, owners,
deadlines), or copies last year's."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from motcua.control import services
from motcua.control.choices import TaskStatus
from motcua.control.models import ControlPlan, PlanTask
from motcua.control.tests.factories import ControlPlanFactory, PlanTaskFactory, TaskGroupFactory
from motcua.core.errors import Conflict, PermissionDenied
from motcua.org.choices import AgencyKind, Role
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def office():
    return AgencyFactory(
        identifier="000.00.01.H52", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )


@pytest.fixture
def justice():
    return AgencyFactory(identifier="000.00.03.H52", name="Sở Tư pháp")


@pytest.fixture
def reviewer(office):
    return MembershipFactory(user=UserFactory(username="vera"), agency=office, role=Role.OFFICE_REVIEWER).user


@pytest.fixture
def specialist(justice):
    return MembershipFactory(user=UserFactory(username="sam"), agency=justice, role=Role.SPECIALIST).user


def test_the_office_draws_up_the_plan_on_the_page(client, reviewer, justice, office):
    client.force_login(reviewer)
    listing = client.get(reverse("control:plan_list")).content.decode()
    assert reverse("control:plan_create") in listing
    response = client.post(
        reverse("control:plan_create"),
        {"year": "2027", "title": "", "decision_number": "12/QĐ-UBND", "decision_date": "2027-01-10"},
    )
    plan = ControlPlan.objects.get(year=2027)
    assert response.status_code == 302 and response["Location"].startswith("/van-phong/ke-hoach/2027/")
    assert plan.issuing_agency == office and plan.decision_number == "12/QĐ-UBND" and "2027" in plan.title
    client.post(reverse("control:group_add", args=[plan.pk]), {"name": "Rà soát, đánh giá TTHC"})
    group = plan.groups.get()
    client.post(
        reverse("control:task_add", args=[plan.pk]),
        {
            "group": group.pk,
            "name": "Rà soát thủ tục lĩnh vực hộ tịch",
            "owner_agency": justice.identifier,
            "deadline": "2027-06-30",
        },
    )
    task = PlanTask.objects.get(group=group)
    assert (task.position, task.owner_agency, task.deadline) == (1, justice, dt.date(2027, 6, 30))
    page = client.get(response["Location"]).content.decode()
    assert "Rà soát thủ tục lĩnh vực hộ tịch" in page and "Sở Tư pháp" in page
    # A task without its owner or deadline is a message, not a 500, and adds nothing.
    bad = client.post(
        reverse("control:task_add", args=[plan.pk]),
        {"group": group.pk, "name": "x", "deadline": ""},
        follow=True,
    )
    assert bad.status_code == 200 and PlanTask.objects.count() == 1
    # A second plan for the same year is refused with a message.
    again = client.post(reverse("control:plan_create"), {"year": "2027"}, follow=True)
    assert "already has a control plan for 2027" in again.content.decode()


def test_last_years_plan_is_copied_with_deadlines_moved(client, reviewer, office, justice):
    last = ControlPlanFactory(issuing_agency=office, year=2026, title="Kế hoạch kiểm soát TTHC năm 2026")
    g1 = TaskGroupFactory(plan=last, position=1, name="Công khai TTHC")
    g2 = TaskGroupFactory(plan=last, position=2, name="Tiếp nhận, xử lý PAKN")
    PlanTaskFactory(group=g1, position=1, owner_agency=justice, deadline=dt.date(2026, 3, 31))
    PlanTaskFactory(
        group=g2,
        position=1,
        owner_agency=office,
        deadline=dt.date(2026, 12, 31),
        status=TaskStatus.DONE,
        progress=100,
        completed_on=dt.date(2026, 11, 1),
    )
    client.force_login(reviewer)
    response = client.post(reverse("control:plan_create"), {"year": "2027", "copy_from": last.pk})
    assert response.status_code == 302
    plan = ControlPlan.objects.get(year=2027)
    assert plan.title == "Kế hoạch kiểm soát TTHC năm 2027"
    assert [g.name for g in plan.groups.order_by("position")] == ["Công khai TTHC", "Tiếp nhận, xử lý PAKN"]
    tasks = list(PlanTask.objects.filter(group__plan=plan).order_by("group__position"))
    assert [t.deadline for t in tasks] == [dt.date(2027, 3, 31), dt.date(2027, 12, 31)]
    assert all(t.status == TaskStatus.NOT_STARTED and t.progress == 0 for t in tasks)
    assert [t.owner_agency for t in tasks] == [justice, office]
    assert PlanTask.objects.filter(group__plan=last).count() == 2  # last year's stays as it was


def test_only_the_office_draws_up_plans(client, specialist, office):
    with pytest.raises(PermissionDenied):
        services.control_plan_create(actor=specialist, year=2027)
    client.force_login(specialist)
    assert reverse("control:plan_create") not in client.get(reverse("control:plan_list")).content.decode()
    client.post(reverse("control:plan_create"), {"year": "2027"})
    assert not ControlPlan.objects.exists()


def test_a_leap_day_deadline_moves_to_the_28th(reviewer, office, justice):
    last = ControlPlanFactory(issuing_agency=office, year=2028)
    group = TaskGroupFactory(plan=last, position=1)
    PlanTaskFactory(group=group, owner_agency=justice, deadline=dt.date(2028, 2, 29))
    plan = services.control_plan_copy(actor=reviewer, source=last, year=2029)
    assert PlanTask.objects.get(group__plan=plan).deadline == dt.date(2029, 2, 28)
    with pytest.raises(Conflict):
        services.control_plan_copy(actor=reviewer, source=last, year=2029)
