from decimal import Decimal

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command

from motcua.catalog.models import Procedure, ProcedureVersion
from motcua.demo.loader import DEMO_PASSWORD, DEMO_USERS
from motcua.org.choices import Role
from motcua.org.models import AdministrativeUnit, Agency, Membership
from motcua.workdays.models import DayOverride

pytestmark = pytest.mark.django_db


def test_demo_province_loads_and_loading_again_changes_nothing():
    call_command("load_demo", verbosity=0)
    counts = (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        Procedure.objects.count(),
        Membership.objects.count(),
        DayOverride.objects.count(),
    )
    call_command("load_demo", verbosity=0)
    assert counts == (
        AdministrativeUnit.objects.count(),
        Agency.objects.count(),
        Procedure.objects.count(),
        Membership.objects.count(),
        DayOverride.objects.count(),
    )

    assert AdministrativeUnit.objects.get(code="14").name == "Sơn La"
    assert AdministrativeUnit.objects.filter(parent__code="14").count() >= 8
    assert Procedure.objects.count() >= 40
    assert ProcedureVersion.objects.get(procedure__code="1.000894", is_current=True).name == "Đăng ký kết hôn"
    for name in [
        "Tư pháp",
        "Nội vụ",
        "Thông tin và Truyền thông",
        "Giáo dục và Đào tạo",
        "Khoa học và Công nghệ",
        "Công Thương",
        "Giao thông vận tải",
        "Y tế",
        "Nông nghiệp và Phát triển nông thôn",
        "Xây dựng",
        "Văn hóa, Thể thao và Du lịch",
        "Tài nguyên và Môi trường",
    ]:
        assert Agency.objects.filter(name__icontains=f"Sở {name}").exists(), name


def test_every_demo_procedure_has_an_internal_process_that_fills_its_time_limit():
    call_command("load_demo", verbosity=0)
    for version in ProcedureVersion.objects.filter(is_current=True).prefetch_related("steps"):
        steps = list(version.steps.all())
        assert steps, version
        assert sum((s.duration_days for s in steps), Decimal(0)) == version.time_limit_days, version


def test_free_sale_certificate_follows_decision_2969():
    call_command("load_demo", verbosity=0)
    version = ProcedureVersion.objects.get(is_current=True, name__icontains="tự do lưu hành")
    shares = [s.duration_days for s in version.steps.order_by("position")]
    assert version.time_limit_days == 3
    assert shares == [Decimal("0.25")] * 2 + [Decimal("1")] + [Decimal("0.25")] * 6


def test_one_demo_user_per_role_signs_in_with_the_documented_password():
    call_command("load_demo", verbosity=0)
    roles = set()
    for username, _name, role, _agency in DEMO_USERS:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
        roles.add(role)
    assert roles == set(Role)


def test_make_up_saturdays_are_declared_working_days():
    call_command("load_demo", verbosity=0)
    import datetime as dt

    from motcua.workdays.selectors import get_calendar

    calendar = get_calendar()
    for day in (dt.date(2024, 5, 4), dt.date(2025, 4, 26), dt.date(2026, 8, 22)):
        assert calendar.is_working_day(day), day
