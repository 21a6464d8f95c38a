"""The portal's TrangThaiHoSo list for every local state (docs/dvcqg.md); editable in the admin."""

from django.db import migrations

CODES = {
    "submitted": ("1", "Mới đăng ký"),
    "needs_completion": ("5", "Yêu cầu bổ sung giấy tờ"),
    "rejected": ("3", "Không được tiếp nhận"),
    "received": ("2", "Được tiếp nhận"),
    "in_progress": ("4", "Đang xử lý"),
    "awaiting_supplement": ("5", "Yêu cầu bổ sung giấy tờ"),
    "suspended": ("6", "Yêu cầu thực hiện nghĩa vụ tài chính"),
    "result_ready": ("9", "Đã xử lý xong"),
    "returned": ("10", "Đã trả kết quả"),
    "stopped": ("8", "Dừng xử lý"),
    "withdrawn": ("7", "Công dân yêu cầu rút hồ sơ"),
}


def seed(apps, schema_editor):
    StatusMapping = apps.get_model("dvcqg", "StatusMapping")
    for status, (code, name) in CODES.items():
        StatusMapping.objects.get_or_create(status=status, defaults={"national_code": code, "national_name": name})


def unseed(apps, schema_editor):
    apps.get_model("dvcqg", "StatusMapping").objects.filter(status__in=list(CODES)).delete()


class Migration(migrations.Migration):
    dependencies = [("dvcqg", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
