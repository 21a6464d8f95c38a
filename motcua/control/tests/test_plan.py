import datetime as dt

import pytest
from django.utils import translation

from motcua.control import selectors, services
from motcua.control.choices import TaskStatus
from motcua.control.tests.factories import ControlPlanFactory, PlanTaskFactory, TaskGroupFactory
from motcua.core.errors import InvalidInput, NotFound, PermissionDenied
from motcua.org.choices import AgencyKind, Role
from motcua.org.models import Agency
from motcua.org.tests.factories import AgencyFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english():
    # Assertions below read English messages; the UI default is Vietnamese.
    with translation.override("en"):
        yield


TODAY = dt.date(2026, 7, 1)


@pytest.fixture
def setup():
    office = AgencyFactory(
        identifier="000.00.01.H52", name="Văn phòng UBND tỉnh", kind=AgencyKind.COMMITTEE_OFFICE
    )
    justice = AgencyFactory(identifier="000.00.03.H52", name="Sở Tư pháp")
    health = AgencyFactory(identifier="000.00.10.H52", name="Sở Y tế")
    plan = ControlPlanFactory(issuing_agency=office, year=2026)
    group = TaskGroupFactory(plan=plan, position=1)
    tasks = {
        "late": PlanTaskFactory(group=group, owner_agency=justice, deadline=dt.date(2026, 6, 30)),
        "late_done": PlanTaskFactory(
            group=group,
            owner_agency=justice,
            deadline=dt.date(2026, 6, 1),
            status=TaskStatus.DONE,
            progress=100,
            completed_on=dt.date(2026, 5, 30),
        ),
        "late_cancelled": PlanTaskFactory(
            group=group, owner_agency=justice, deadline=dt.date(2026, 6, 1), status=TaskStatus.CANCELLED
        ),
        "due_today": PlanTaskFactory(
            group=group, owner_agency=health, deadline=TODAY, status=TaskStatus.IN_PROGRESS, progress=40
        ),
        "later": PlanTaskFactory(group=group, owner_agency=health, deadline=dt.date(2026, 12, 31)),
    }

    def member(name, agency, role):
        return MembershipFactory(user=UserFactory(username=name), agency=agency, role=role).user

    users = {
        "justice": member("justice", justice, Role.SPECIALIST),
        "health": member("health", health, Role.SPECIALIST),
        "reviewer": member("reviewer", office, Role.OFFICE_REVIEWER),
        "citizen": UserFactory(username="citizen"),
    }
    return plan, tasks, users


def test_overdue_means_deadline_passed_and_not_done(setup):
    plan, tasks, _users = setup
    assert list(selectors.plan_tasks_overdue(today=TODAY)) == [tasks["late"]]
    assert list(selectors.plan_tasks_overdue(today=dt.date(2027, 1, 1), plan=plan)) == [
        tasks["late"],
        tasks["due_today"],
        tasks["later"],
    ]
    assert tasks["late"].is_overdue(TODAY) and not tasks["due_today"].is_overdue(TODAY)


def test_overview_flags_overdue_tasks(setup):
    plan, tasks, users = setup
    overview = selectors.control_plan_overview(users["health"], year=2026, today=TODAY)
    assert overview.task_count == 5 and overview.done_count == 1 and overview.overdue_count == 1
    flagged = [t for g in overview.groups for t in g.tasks.all() if t.overdue]
    assert flagged == [tasks["late"]]
    assert overview.progress == round((0 + 100 + 40 + 0) / 4)
    with pytest.raises(NotFound):
        selectors.control_plan_overview(users["citizen"], year=2026)
    with pytest.raises(NotFound):
        selectors.control_plan_overview(users["health"], year=2030)


def test_owner_agency_updates_its_tasks_and_the_office_any(setup):
    _plan, tasks, users = setup
    task = services.plan_task_update(
        actor=users["justice"],
        task=tasks["late"],
        progress=30,
        status=TaskStatus.NOT_STARTED,
        result_note="Đang triển khai",
    )
    assert task.status == TaskStatus.IN_PROGRESS and task.progress == 30
    with pytest.raises(PermissionDenied):
        services.plan_task_update(
            actor=users["health"], task=tasks["late"], progress=50, status=TaskStatus.IN_PROGRESS
        )
    with pytest.raises(PermissionDenied):
        services.plan_task_report(
            actor=users["citizen"], task=tasks["late"], period="Q2", text="x", progress=1
        )
    task = services.plan_task_update(
        actor=users["reviewer"], task=tasks["late"], progress=10, status=TaskStatus.DONE, today=TODAY
    )
    assert task.progress == 100 and task.completed_on == TODAY
    assert list(selectors.plan_tasks_overdue(today=TODAY)) == []
    with pytest.raises(InvalidInput):
        services.plan_task_update(
            actor=users["reviewer"], task=tasks["later"], progress=101, status=TaskStatus.IN_PROGRESS
        )


def test_a_report_moves_the_progress(setup):
    _plan, tasks, users = setup
    report = services.plan_task_report(
        actor=users["health"],
        task=tasks["later"],
        period="Quý II/2026",
        text="Đã tổ chức 2 lớp tập huấn",
        progress=45,
    )
    tasks["later"].refresh_from_db()
    assert report.progress == 45 and tasks["later"].progress == 45
    assert tasks["later"].status == TaskStatus.IN_PROGRESS


def test_plan_pages(setup, client):
    _plan, tasks, users = setup
    assert client.get("/van-phong/ke-hoach/2026/").status_code == 302
    client.force_login(users["justice"])
    html = client.get("/van-phong/ke-hoach/2026/").content.decode()
    assert tasks["late"].name in html and "%" in html and "<progress" in html
    assert client.get("/van-phong/ke-hoach/").status_code == 200
    page = client.get(f"/van-phong/ke-hoach/nhiem-vu/{tasks['late'].pk}/")
    assert page.status_code == 200 and "task_update" not in page.content.decode()
    response = client.post(
        f"/van-phong/ke-hoach/nhiem-vu/{tasks['late'].pk}/cap-nhat/",
        {"progress": "60", "status": "in_progress", "result_note": "ok"},
    )
    assert response.status_code == 302
    tasks["late"].refresh_from_db()
    assert tasks["late"].progress == 60
    # Another agency's task: refused with a message, nothing changed.
    client.post(
        f"/van-phong/ke-hoach/nhiem-vu/{tasks['later'].pk}/cap-nhat/", {"progress": "60", "status": "done"}
    )
    tasks["later"].refresh_from_db()
    assert tasks["later"].progress == 0
    client.force_login(users["citizen"])
    assert (
        client.get(f"/van-phong/ke-hoach/nhiem-vu/{tasks['late'].pk}/").status_code == 403
    )  # the back office is closed to citizens


def test_api_requires_a_staff_token(setup, client):
    from motcua.org.services import api_token_issue

    _plan, _tasks, _users = setup
    assert client.get("/api/v1/control-plans/2026").status_code == 401
    token = api_token_issue(username="health", password="correct horse battery")
    body = client.get("/api/v1/control-plans/2026", headers={"Authorization": f"Bearer {token}"}).json()
    assert body["task_count"] == 5 and body["issuing_agency"] == "000.00.01.H52"
    assert len(body["groups"][0]["tasks"]) == 5
    citizen = api_token_issue(username="citizen", password="correct horse battery")
    response = client.get("/api/v1/control-plans/2026", headers={"Authorization": f"Bearer {citizen}"})
    assert response.status_code == 404 and response.json()["code"] == "plan_not_found"
    assert Agency.objects.count() == 3
