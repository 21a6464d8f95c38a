import pytest

from motcua.control.demo import control_load_demo_2021
from motcua.control.models import ControlPlan, PlanTask, TaskGroup
from motcua.core.errors import NotFound
from motcua.demo.loader import load_agencies, load_units

pytestmark = pytest.mark.django_db


def test_the_2021_plan_has_9_groups_and_20_tasks_and_loads_once():
    with pytest.raises(NotFound):
        control_load_demo_2021()
    load_agencies(load_units())
    plan = control_load_demo_2021()
    control_load_demo_2021()
    assert ControlPlan.objects.count() == 1
    assert plan.year == 2021 and plan.decision_number == "91/QĐ-UBND"
    assert plan.issuing_agency.identifier == "000.00.01.H52"
    assert TaskGroup.objects.filter(plan=plan).count() == 9
    assert PlanTask.objects.filter(group__plan=plan).count() == 20
    owners = set(PlanTask.objects.values_list("owner_agency__name", flat=True))
    assert "Sở Tư pháp tỉnh Sơn La" in owners and "Văn phòng Ủy ban nhân dân tỉnh Sơn La" in owners


def test_the_demo_plan_page_renders(client):
    from motcua.org.choices import Role
    from motcua.org.models import Agency
    from motcua.org.tests.factories import MembershipFactory

    load_agencies(load_units())
    control_load_demo_2021()
    office = Agency.objects.get(identifier="000.00.01.H52")
    client.force_login(MembershipFactory(agency=office, role=Role.OFFICE_REVIEWER).user)
    html = client.get("/van-phong/ke-hoach/2021/").content.decode()
    assert html.count("<progress") == 21 and "91/QĐ-UBND" in html
