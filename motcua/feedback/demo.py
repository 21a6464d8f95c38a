"""Demo petitions (PAKN) of every state, so the public list, Open311 and the Office's queue show something
(issue 9 item 12). Made through the services, as the demo users would: the citizen `congdan` sends two
while signed in (one answered privately, to read on "my petitions"), the Office reviewer `vanphong`
classifies, routes and publishes, the specialist `chuyenvien` of the Department of Justice answers.
Idempotent: nothing is added once the first demo petition exists.
"""

from __future__ import annotations

from django.db import transaction

from motcua.feedback import services
from motcua.feedback.models import Petition, PetitionCategory
from motcua.org.models import User

MARK = "[demo]"  # never shown: the subjects below are what a citizen would write


def _petition(subject: str, content: str, **kwargs) -> Petition:
    category = PetitionCategory.objects.filter(is_active=True).order_by("position", "pk").first()
    return services.petition_submit(
        category=kwargs.pop("category", category),
        subject=subject,
        content=content,
        submitter_name=kwargs.pop("name", "Lò Văn Dân"),
        submitter_phone=kwargs.pop("phone", "0912 000 111"),
        **kwargs,
    )


@transaction.atomic
def feedback_load_demo() -> int:
    """Create the demo petitions if none exists; returns how many were created."""
    if Petition.objects.filter(content__endswith=MARK).exists():
        return 0
    reviewer = User.objects.filter(username="vanphong").first()
    specialist = User.objects.filter(username="chuyenvien").first()
    citizen = User.objects.filter(username="congdan").first()
    categories = list(PetitionCategory.objects.filter(is_active=True).order_by("position", "pk"))
    if not (reviewer and specialist and citizen and categories):
        return 0
    agency = specialist.memberships.filter(agency__isnull=False).first().agency
    regulation = categories[0]

    def route(p: Petition, *, answer: str | None = None, publish: bool = False) -> Petition:
        p = services.petition_classify(actor=reviewer, code=p.code, category=p.category)
        p = services.petition_assign(actor=reviewer, code=p.code, agency=agency)
        if answer:
            p = services.petition_answer(actor=specialist, code=p.code, answer=answer)
        if publish:
            p = services.petition_publish(actor=reviewer, code=p.code)
        return p

    made = [
        _petition(
            "Đề nghị bỏ yêu cầu nộp bản sao giấy khai sinh khi đăng ký kết hôn",
            "Khi đăng ký kết hôn tại xã, tôi được yêu cầu nộp bản sao giấy khai sinh dù dữ liệu đã có trên "
            f"Cơ sở dữ liệu quốc gia về dân cư. Đề nghị xem xét bỏ yêu cầu này. {MARK}",
            is_public=True,
        ),
        _petition(
            "Thời hạn cấp Phiếu lý lịch tư pháp chưa được niêm yết tại Bộ phận Một cửa",
            f"Tại Bộ phận Một cửa chưa niêm yết thời hạn giải quyết thủ tục cấp Phiếu lý lịch tư pháp. {MARK}",
            is_public=True,
        ),
    ]
    classified = _petition(
        "Phí chứng thực bản sao thu chưa đúng quy định",
        f"Tôi bị thu phí chứng thực cao hơn mức quy định tại Thông tư 226/2016/TT-BTC. {MARK}",
        is_public=True,
    )
    made.append(services.petition_classify(actor=reviewer, code=classified.code, category=regulation))
    made.append(
        route(
            _petition(
                "Hướng dẫn hồ sơ đăng ký khai sinh cho trẻ sinh ở nước ngoài",
                f"Đề nghị hướng dẫn cụ thể thành phần hồ sơ khi trẻ sinh ra ở nước ngoài về cư trú tại tỉnh. {MARK}",
                is_public=True,
            )
        )
    )
    made.append(
        route(
            _petition(
                "Đề nghị cho nộp trực tuyến thủ tục cấp Phiếu lý lịch tư pháp",
                f"Thủ tục cấp Phiếu lý lịch tư pháp nên cho nộp hồ sơ trực tuyến toàn trình. {MARK}",
                is_public=True,
                submitter_email="dan.lo@example.vn",
            ),
            answer="Sở Tư pháp đã cung cấp dịch vụ công trực tuyến toàn trình cho thủ tục này trên Cổng "
            "Dịch vụ công quốc gia từ ngày 01/7/2025; ông có thể nộp hồ sơ và nhận kết quả điện tử.",
            publish=True,
        )
    )
    made.append(
        route(
            _petition(
                "Mẫu tờ khai đăng ký kết hôn trên cổng chưa cập nhật",
                f"Mẫu tờ khai tải về trên cổng là mẫu cũ, chưa theo Thông tư mới. {MARK}",
                is_public=True,
            ),
            answer="Sở Tư pháp đã cập nhật mẫu tờ khai theo quy định hiện hành; cảm ơn ông đã phản ánh.",
        )
    )
    # The demo citizen's own: sent signed in, one answered privately (not for publication).
    mine = services.petition_submit(
        category=regulation,
        subject="Hỏi về thời hạn trả kết quả chứng thực",
        content=f"Hồ sơ chứng thực của tôi nộp sáng thứ Hai, khi nào tôi nhận được kết quả? {MARK}",
        submitter_name=citizen.full_name,
        submitter_phone="0912 345 678",
        submitter_email=citizen.email,
        is_public=False,
        user=citizen,
    )
    made.append(
        route(
            mine,
            answer="Chứng thực bản sao được trả trong ngày làm việc; hồ sơ nộp sau 15 giờ trả vào sáng hôm sau.",
        )
    )
    made.append(
        services.petition_submit(
            category=regulation,
            subject="Đề nghị niêm yết số điện thoại đường dây nóng",
            content=f"Đề nghị niêm yết số điện thoại đường dây nóng của Trung tâm PVHCC tỉnh. {MARK}",
            submitter_name=citizen.full_name,
            submitter_email=citizen.email,
            is_public=True,
            user=citizen,
        )
    )
    out_of_scope = _petition(
        "Tranh chấp đất đai giữa hai hộ gia đình",
        f"Đề nghị giải quyết tranh chấp ranh giới đất với hộ bên cạnh. {MARK}",
    )
    made.append(
        services.petition_reject(
            actor=reviewer,
            code=out_of_scope.code,
            reason="Nội dung là tranh chấp đất đai, không phải phản ánh, kiến nghị về quy định hành chính; "
            "đề nghị gửi đơn đến UBND xã nơi có đất để được hòa giải theo Luật Đất đai.",
        )
    )
    return len(made)
