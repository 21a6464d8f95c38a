"""The glossary every deployment starts with (docs/design.md §9). Migration 0002 holds a frozen copy."""

from __future__ import annotations

DEFAULT_TERMS: list[tuple[str, str, str]] = [
    (
        "TTHC",
        "thủ tục hành chính",
        "Trình tự, cách thức, hồ sơ và điều kiện để cơ quan nhà nước giải quyết một công việc cụ thể cho người dân, doanh nghiệp.",
    ),
    (
        "UBND",
        "Ủy ban nhân dân",
        "Cơ quan hành chính nhà nước ở địa phương (tỉnh, xã), do Hội đồng nhân dân cùng cấp bầu ra.",
    ),
    ("HĐND", "Hội đồng nhân dân", "Cơ quan quyền lực nhà nước ở địa phương, do cử tri bầu ra."),
    (
        "VP UBND",
        "Văn phòng Ủy ban nhân dân",
        "Cơ quan giúp việc của Ủy ban nhân dân; ở tỉnh có phòng Kiểm soát thủ tục hành chính.",
    ),
    (
        "PVHCC",
        "Phục vụ hành chính công",
        "Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ và trả kết quả của nhiều cơ quan tại một nơi.",
    ),
    (
        "PAKN",
        "phản ánh, kiến nghị",
        "Ý kiến của người dân, doanh nghiệp về quy định hành chính hoặc về cách làm việc của cán bộ, công chức.",
    ),
    (
        "DVCQG",
        "Cổng Dịch vụ công quốc gia",
        "Cổng dichvucong.gov.vn: tra cứu thủ tục, nộp hồ sơ trực tuyến và theo dõi kết quả trên toàn quốc.",
    ),
    (
        "DVCTT",
        "dịch vụ công trực tuyến",
        "Thủ tục hành chính được thực hiện qua mạng, một phần hoặc toàn trình.",
    ),
    (
        "CCHC",
        "cải cách hành chính",
        "Các việc làm để thủ tục đơn giản hơn, nhanh hơn và minh bạch hơn cho người dân, doanh nghiệp.",
    ),
    (
        "Bộ phận Một cửa",
        "Bộ phận Tiếp nhận và Trả kết quả",
        "Nơi hướng dẫn, tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính.",
    ),
    (
        "một cửa liên thông",
        "cơ chế một cửa liên thông",
        "Hồ sơ nộp ở một nơi; các cơ quan liên quan tự chuyển cho nhau để giải quyết, người dân không phải đi lại nhiều nơi.",
    ),
]


def glossary_load_defaults() -> int:
    """Add the default terms that are missing (terms edited by the Office are kept); return how many."""
    from motcua.portal.models import GlossaryTerm

    created = 0
    for abbreviation, expansion, explanation in DEFAULT_TERMS:
        _, was_created = GlossaryTerm.objects.get_or_create(
            abbreviation=abbreviation, defaults={"expansion": expansion, "explanation": explanation}
        )
        created += was_created
    return created
