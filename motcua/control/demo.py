"""The demo's 2021 control plan of the Sơn La People's Committee Office.

Decision 91/QĐ-UBND of 19/01/2021 issued the province's 2021 plan for the control of administrative
procedures: 9 groups of work and 20 tasks (the seed article lists their areas). The task wording
below follows those areas; deadlines and progress are illustrative, as the plan stood in mid-2021
(the report of 18/06/2021): early tasks done, the rest under way.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from motcua.control.choices import TaskStatus
from motcua.control.models import ControlPlan, PlanTask, TaskGroup
from motcua.core.errors import NotFound
from motcua.org.models import Agency

OFFICE_IDENTIFIER = "000.00.01.H52"  # key "vp-ubnd" in motcua/demo/data/agencies.json
OFFICE_NAME = "Văn phòng Ủy ban nhân dân tỉnh Sơn La"
JUSTICE = "Sở Tư pháp tỉnh Sơn La"
HOME_AFFAIRS = "Sở Nội vụ tỉnh Sơn La"
INFORMATION = "Sở Thông tin và Truyền thông tỉnh Sơn La"

D = dt.date
DONE, WIP = TaskStatus.DONE, TaskStatus.IN_PROGRESS

# (group, [(task, owner agency name or None for the Office, deadline, status, progress)])
PLAN_2021: list[tuple[str, list[tuple[str, str | None, dt.date, str, int]]]] = [
    (
        "Xây dựng, ban hành văn bản tổ chức thực hiện nhiệm vụ kiểm soát thủ tục hành chính",
        [
            (
                "Tham mưu ban hành Kế hoạch kiểm soát thủ tục hành chính năm 2021",
                None,
                D(2021, 1, 31),
                DONE,
                100,
            ),
            (
                "Ban hành văn bản hướng dẫn, đôn đốc các sở, ngành, địa phương thực hiện kế hoạch",
                None,
                D(2021, 3, 31),
                DONE,
                100,
            ),
        ],
    ),
    (
        "Công bố, cập nhật thủ tục hành chính",
        [
            (
                "Thẩm tra dự thảo quyết định công bố danh mục thủ tục hành chính của các sở, ngành",
                None,
                D(2021, 12, 31),
                WIP,
                60,
            ),
            (
                "Trình Chủ tịch UBND tỉnh công bố danh mục thủ tục hành chính mới, sửa đổi, bãi bỏ",
                None,
                D(2021, 12, 31),
                WIP,
                55,
            ),
            (
                "Cập nhật, công khai thủ tục hành chính trên Cơ sở dữ liệu quốc gia",
                None,
                D(2021, 12, 31),
                WIP,
                50,
            ),
        ],
    ),
    (
        "Rà soát, đánh giá thủ tục hành chính",
        [
            (
                "Xây dựng kế hoạch rà soát, đánh giá thủ tục hành chính năm 2021",
                None,
                D(2021, 3, 31),
                DONE,
                100,
            ),
            (
                "Rà soát, đơn giản hóa thủ tục hành chính, giấy tờ công dân theo danh mục được giao",
                None,
                D(2021, 10, 31),
                WIP,
                40,
            ),
        ],
    ),
    (
        "Công khai thủ tục hành chính",
        [
            (
                "Niêm yết công khai thủ tục hành chính tại Trung tâm Phục vụ hành chính công và Bộ phận Một cửa",
                None,
                D(2021, 6, 30),
                DONE,
                100,
            ),
            (
                "Công khai thủ tục hành chính trên Cổng thông tin điện tử tỉnh",
                INFORMATION,
                D(2021, 6, 30),
                DONE,
                100,
            ),
            (
                "Công khai tiến độ, kết quả giải quyết hồ sơ trên Cổng dịch vụ công của tỉnh",
                None,
                D(2021, 12, 31),
                WIP,
                60,
            ),
        ],
    ),
    (
        "Tham gia ý kiến về quy định thủ tục hành chính tại dự thảo văn bản quy phạm pháp luật",
        [
            (
                "Cho ý kiến về quy định thủ tục hành chính trong dự thảo văn bản quy phạm pháp luật",
                None,
                D(2021, 12, 31),
                WIP,
                50,
            ),
            (
                "Thẩm định quy định thủ tục hành chính trong dự thảo văn bản quy phạm pháp luật",
                JUSTICE,
                D(2021, 12, 31),
                WIP,
                50,
            ),
        ],
    ),
    (
        "Tiếp nhận, xử lý phản ánh, kiến nghị của cá nhân, tổ chức về quy định hành chính",
        [
            (
                "Tiếp nhận, phân loại và chuyển xử lý phản ánh, kiến nghị về quy định hành chính",
                None,
                D(2021, 12, 31),
                WIP,
                50,
            ),
            (
                "Theo dõi, đôn đốc và công khai kết quả xử lý phản ánh, kiến nghị",
                None,
                D(2021, 12, 31),
                WIP,
                45,
            ),
        ],
    ),
    (
        "Truyền thông về công tác kiểm soát thủ tục hành chính",
        [
            (
                "Xây dựng chuyên mục kiểm soát thủ tục hành chính trên báo, đài của tỉnh",
                INFORMATION,
                D(2021, 9, 30),
                WIP,
                70,
            ),
            (
                "Tuyên truyền về cải cách thủ tục hành chính và cơ chế một cửa, một cửa liên thông",
                None,
                D(2021, 12, 31),
                WIP,
                50,
            ),
        ],
    ),
    (
        "Tập huấn, kiện toàn đội ngũ công chức đầu mối kiểm soát thủ tục hành chính",
        [
            (
                "Kiện toàn danh sách công chức đầu mối kiểm soát thủ tục hành chính",
                HOME_AFFAIRS,
                D(2021, 4, 30),
                DONE,
                100,
            ),
            (
                "Tập huấn nghiệp vụ kiểm soát thủ tục hành chính cho công chức đầu mối",
                None,
                D(2021, 9, 30),
                WIP,
                30,
            ),
        ],
    ),
    (
        "Thông tin, báo cáo và học tập kinh nghiệm về kiểm soát thủ tục hành chính",
        [
            (
                "Báo cáo định kỳ quý, 6 tháng, năm về tình hình, kết quả kiểm soát thủ tục hành chính",
                None,
                D(2021, 12, 15),
                WIP,
                50,
            ),
            (
                "Học tập kinh nghiệm kiểm soát thủ tục hành chính tại các tỉnh bạn",
                None,
                D(2021, 11, 30),
                WIP,
                10,
            ),
        ],
    ),
]


def _office() -> Agency:
    office = (
        Agency.objects.filter(identifier=OFFICE_IDENTIFIER).first()
        or Agency.objects.filter(name=OFFICE_NAME).first()
    )
    if office is None:
        raise NotFound(
            _("The People's Committee Office is not among the agencies; load the demo agencies first."),
            code="agency_not_found",
        )
    return office


@transaction.atomic
def control_load_demo_2021() -> ControlPlan:
    """Create (or complete) the 2021 control plan: 9 groups, 20 tasks. Idempotent: groups and tasks are
    matched by their position and left as they are when present."""
    office = _office()
    owners = {a.name: a for a in Agency.objects.filter(name__in=[JUSTICE, HOME_AFFAIRS, INFORMATION])}
    plan, _created = ControlPlan.objects.get_or_create(
        issuing_agency=office,
        year=2021,
        defaults={
            "title": "Kế hoạch kiểm soát thủ tục hành chính trên địa bàn tỉnh Sơn La năm 2021",
            "decision_number": "91/QĐ-UBND",
            "decision_date": D(2021, 1, 19),
        },
    )
    for group_position, (group_name, tasks) in enumerate(PLAN_2021, start=1):
        group, _created = TaskGroup.objects.get_or_create(
            plan=plan, position=group_position, defaults={"name": group_name}
        )
        for task_position, (name, owner, deadline, status, progress) in enumerate(tasks, start=1):
            PlanTask.objects.get_or_create(
                group=group,
                position=task_position,
                defaults={
                    "name": name,
                    "owner_agency": owners.get(owner, office) if owner else office,
                    "deadline": deadline,
                    "status": status,
                    "progress": progress,
                    "completed_on": deadline if status == DONE else None,
                },
            )
    return plan
