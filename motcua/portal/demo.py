"""Demo content of the portal: a few announcements of the Office and the default glossary.

`portal_load_demo()` is idempotent: announcements are matched by slug and rewritten, glossary terms
missing from the database are added. The demo loader of the project calls it.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from motcua.portal.glossary_data import glossary_load_defaults
from motcua.portal.services import announcement_save

VN = dt.timezone(dt.timedelta(hours=7))

DEMO_ANNOUNCEMENTS: list[dict] = [
    {
        "slug": "ke-hoach-kiem-soat-tthc-nam-2021",
        "published_at": dt.datetime(2021, 1, 15, 8, 30, tzinfo=VN),
        "title": "Ban hành Kế hoạch kiểm soát TTHC năm 2021",
        "summary": "UBND tỉnh ban hành kế hoạch với 9 nhóm nhiệm vụ và 20 nhiệm vụ cụ thể về kiểm soát TTHC.",
        "body": (
            "Ngày 15/01/2021, UBND tỉnh Sơn La ban hành Kế hoạch kiểm soát TTHC năm 2021.\n\n"
            "Kế hoạch gồm 9 nhóm nhiệm vụ: rà soát, đánh giá và công bố TTHC; công khai TTHC; "
            "góp ý dự thảo văn bản quy phạm pháp luật có quy định TTHC; tiếp nhận và xử lý PAKN; "
            "truyền thông; tập huấn; kiểm tra và báo cáo. Mỗi nhiệm vụ có cơ quan chủ trì, thời hạn và sản phẩm.\n\n"
            "VP UBND tỉnh theo dõi, đôn đốc và tổng hợp kết quả thực hiện, báo cáo Chủ tịch UBND tỉnh hằng quý."
        ),
    },
    {
        "slug": "trung-tam-pvhcc-tinh-tiep-nhan-ho-so-ca-ngay-thu-bay",
        "published_at": dt.datetime(2021, 6, 1, 9, 0, tzinfo=VN),
        "title": "Trung tâm PVHCC tỉnh tiếp nhận hồ sơ cả sáng thứ Bảy",
        "summary": "Từ tháng 6/2021, Bộ phận Một cửa của Trung tâm PVHCC tỉnh làm việc thêm sáng thứ Bảy.",
        "body": (
            "Để người dân, doanh nghiệp thuận tiện hơn, từ ngày 05/6/2021 Trung tâm PVHCC tỉnh "
            "tiếp nhận hồ sơ và trả kết quả vào sáng thứ Bảy hằng tuần, từ 7 giờ 30 đến 11 giờ 30.\n\n"
            "Tại Bộ phận Một cửa, công chức hướng dẫn kê khai, kiểm tra hồ sơ và hẹn trả kết quả. "
            "Hồ sơ của các thủ tục một cửa liên thông được chuyển đến cơ quan có thẩm quyền ngay trong ngày.\n\n"
            "Mọi PAKN về việc tiếp nhận hồ sơ xin gửi qua Cổng Dịch vụ công của tỉnh hoặc số điện thoại đường dây nóng."
        ),
    },
    {
        "slug": "nop-ho-so-truc-tuyen-tren-cong-dvcqg",
        "published_at": dt.datetime(2024, 3, 20, 14, 0, tzinfo=VN),
        "title": "Hướng dẫn nộp hồ sơ trực tuyến trên Cổng DVCQG",
        "summary": "Các bước tạo tài khoản, chọn thủ tục, đính kèm giấy tờ và theo dõi hồ sơ trên Cổng DVCQG.",
        "body": (
            "Người dân có thể nộp hồ sơ nhiều TTHC mà không cần đến Bộ phận Một cửa.\n\n"
            "Bước 1: đăng nhập Cổng DVCQG bằng tài khoản định danh điện tử.\n"
            'Bước 2: tìm thủ tục theo tên hoặc mã, ví dụ "Đăng ký kết hôn".\n'
            "Bước 3: điền tờ khai, đính kèm bản chụp giấy tờ và nộp.\n"
            "Bước 4: theo dõi tình trạng hồ sơ bằng mã hồ sơ được cấp.\n\n"
            "Kết quả được trả trực tuyến hoặc tại Bộ phận Một cửa, theo lựa chọn của người nộp."
        ),
    },
    {
        "slug": "chinh-quyen-dia-phuong-hai-cap-tu-1-7-2025",
        "published_at": dt.datetime(2025, 7, 1, 7, 30, tzinfo=VN),
        "title": "Từ 01/7/2025: nộp hồ sơ tại bất kỳ Bộ phận Một cửa nào trong tỉnh",
        "summary": "Chính quyền địa phương hai cấp vận hành; nhiều TTHC không phụ thuộc địa giới hành chính.",
        "body": (
            "Từ ngày 01/7/2025, chính quyền địa phương tổ chức theo hai cấp: tỉnh và xã. "
            "UBND xã, phường tiếp nhận các TTHC trước đây thuộc cấp huyện.\n\n"
            "Với các thủ tục không phụ thuộc địa giới hành chính, người dân có thể nộp hồ sơ tại "
            "bất kỳ Bộ phận Một cửa nào trong tỉnh; hồ sơ được chuyển đến cơ quan có thẩm quyền giải quyết.\n\n"
            "Danh mục thủ tục được cập nhật trên trang Thủ tục hành chính của Cổng."
        ),
    },
]


@transaction.atomic
def portal_load_demo() -> dict[str, int]:
    """Load (or refresh) the demo announcements and make sure the default glossary is there."""
    now = timezone.now()
    for item in DEMO_ANNOUNCEMENTS:
        announcement_save(**item, is_published=item["published_at"] <= now)
    return {"announcements": len(DEMO_ANNOUNCEMENTS), "glossary_terms_created": glossary_load_defaults()}
