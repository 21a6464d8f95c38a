"""Default petition (PAKN) categories: regulations, officials' conduct, dossiers in progress, other.

Data, not UI strings: a province renames or adds categories in the admin. Reversing removes the
defaults that no petition uses yet.
"""

from django.db import migrations

DEFAULTS = [
    {
        "code": "quy-dinh-hanh-chinh",
        "name": "Phản ánh, kiến nghị về quy định hành chính",
        "description": "Quy định hành chính không phù hợp, trái pháp luật, không thống nhất hoặc gây khó khăn "
        "cho người dân, doanh nghiệp (Nghị định 20/2008/NĐ-CP).",
        "kind": "regulation",
        "keywords": "quy định, thủ tục hành chính, văn bản",
        "group": "Quy định hành chính",
        "position": 1,
    },
    {
        "code": "hanh-vi-can-bo",
        "name": "Phản ánh về hành vi, thái độ của cán bộ, công chức",
        "description": "Hành vi chậm trễ, gây phiền hà, không thực hiện hoặc thực hiện không đúng quy định "
        "của cán bộ, công chức, viên chức khi giải quyết thủ tục hành chính.",
        "kind": "conduct",
        "keywords": "cán bộ, công chức, thái độ, nhũng nhiễu",
        "group": "Cán bộ, công chức",
        "position": 2,
    },
    {
        "code": "thu-tuc-dang-giai-quyet",
        "name": "Phản ánh về hồ sơ thủ tục hành chính đang giải quyết",
        "description": "Hồ sơ quá hạn, yêu cầu bổ sung không đúng quy định, thu phí sai quy định.",
        "kind": "regulation",
        "keywords": "hồ sơ, quá hạn, trễ hẹn, phí, lệ phí",
        "group": "Quy định hành chính",
        "position": 3,
    },
    {
        "code": "khac",
        "name": "Phản ánh, kiến nghị khác",
        "description": "Các phản ánh, kiến nghị khác liên quan đến giải quyết thủ tục hành chính.",
        "kind": "other",
        "keywords": "",
        "group": "Khác",
        "position": 9,
    },
]


def create_defaults(apps, schema_editor):
    PetitionCategory = apps.get_model("feedback", "PetitionCategory")
    for row in DEFAULTS:
        PetitionCategory.objects.get_or_create(code=row["code"], defaults=row)


def remove_defaults(apps, schema_editor):
    PetitionCategory = apps.get_model("feedback", "PetitionCategory")
    PetitionCategory.objects.filter(code__in=[r["code"] for r in DEFAULTS], petitions__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_initial")]

    operations = [migrations.RunPython(create_defaults, remove_defaults)]
