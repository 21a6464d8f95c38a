"""The starting glossary of abbreviations (docs/design.md §9). Data only; the schema is 0001.

A frozen copy of motcua.portal.glossary_data.DEFAULT_TERMS as it was when this migration was written.
Reversing removes exactly these abbreviations.
"""

from django.db import migrations

TERMS = [
    ('TTHC', 'thủ tục hành chính',
     'Trình tự, cách thức, hồ sơ và điều kiện để cơ quan nhà nước giải quyết một công việc cụ thể cho người dân, doanh nghiệp.'),
    ('UBND', 'Ủy ban nhân dân',
     'Cơ quan hành chính nhà nước ở địa phương (tỉnh, xã), do Hội đồng nhân dân cùng cấp bầu ra.'),
    ('HĐND', 'Hội đồng nhân dân',
     'Cơ quan quyền lực nhà nước ở địa phương, do cử tri bầu ra.'),
    ('VP UBND', 'Văn phòng Ủy ban nhân dân',
     'Cơ quan giúp việc của Ủy ban nhân dân; ở tỉnh có phòng Kiểm soát thủ tục hành chính.'),
    ('PVHCC', 'Phục vụ hành chính công',
     'Trung tâm Phục vụ hành chính công tiếp nhận hồ sơ và trả kết quả của nhiều cơ quan tại một nơi.'),
    ('PAKN', 'phản ánh, kiến nghị',
     'Ý kiến của người dân, doanh nghiệp về quy định hành chính hoặc về cách làm việc của cán bộ, công chức.'),
    ('DVCQG', 'Cổng Dịch vụ công quốc gia',
     'Cổng dichvucong.gov.vn: tra cứu thủ tục, nộp hồ sơ trực tuyến và theo dõi kết quả trên toàn quốc.'),
    ('DVCTT', 'dịch vụ công trực tuyến',
     'Thủ tục hành chính được thực hiện qua mạng, một phần hoặc toàn trình.'),
    ('CCHC', 'cải cách hành chính',
     'Các việc làm để thủ tục đơn giản hơn, nhanh hơn và minh bạch hơn cho người dân, doanh nghiệp.'),
    ('Bộ phận Một cửa', 'Bộ phận Tiếp nhận và Trả kết quả',
     'Nơi hướng dẫn, tiếp nhận hồ sơ và trả kết quả giải quyết thủ tục hành chính.'),
    ('một cửa liên thông', 'cơ chế một cửa liên thông',
     'Hồ sơ nộp ở một nơi; các cơ quan liên quan tự chuyển cho nhau để giải quyết, người dân không phải đi lại nhiều nơi.'),
]


def add_terms(apps, schema_editor):
    GlossaryTerm = apps.get_model("portal", "GlossaryTerm")
    for abbreviation, expansion, explanation in TERMS:
        GlossaryTerm.objects.get_or_create(
            abbreviation=abbreviation, defaults={"expansion": expansion, "explanation": explanation}
        )


def remove_terms(apps, schema_editor):
    GlossaryTerm = apps.get_model("portal", "GlossaryTerm")
    GlossaryTerm.objects.filter(abbreviation__in=[abbreviation for abbreviation, _, _ in TERMS]).delete()


class Migration(migrations.Migration):
    dependencies = [("portal", "0001_announcement_glossaryterm")]

    operations = [migrations.RunPython(add_terms, remove_terms)]
