import unicodedata

import pytest

from motcua.catalog.tests.factories import make_procedure
from motcua.org.tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    justice = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    make_procedure("1.000894", "Đăng ký kết hôn")
    make_procedure(
        "2.001263",
        "Cấp Phiếu lý lịch tư pháp",
        field_name="Lý lịch tư pháp",
        levels=("province",),
        days="10",
        agency_identifier=justice.identifier,
    )
    return justice


def test_home_offers_search_and_fields(client, catalog):
    page = client.get("/").content.decode()
    assert 'name="q"' in page
    assert "Hộ tịch" in page and "Lý lịch tư pháp" in page
    assert '<html lang="vi">' in page


@pytest.mark.parametrize(
    "q", ["dang ky ket hon", "ĐĂNG KÝ KẾT HÔN", unicodedata.normalize("NFD", "Đăng ký kết hôn")]
)
def test_catalog_search_finds_marriage_registration(client, catalog, q):
    page = client.get("/thu-tuc/", {"q": q}).content.decode()
    assert "/thu-tuc/1.000894/" in page
    assert "Cấp Phiếu lý lịch tư pháp" not in page


def test_catalog_browses_by_agency_field_and_level(client, catalog):
    assert (
        "Cấp Phiếu lý lịch tư pháp" in client.get("/thu-tuc/", {"agency": "000.00.53.H48"}).content.decode()
    )
    by_level = client.get("/thu-tuc/", {"level": "commune"}).content.decode()
    assert "Đăng ký kết hôn" in by_level and "Cấp Phiếu lý lịch tư pháp" not in by_level
    # Nonsense filters give an empty list, not an error.
    assert client.get("/thu-tuc/", {"field": "no-such", "page": "x"}).status_code == 200


def test_procedure_page_shows_every_component(client, catalog):
    page = client.get("/thu-tuc/2.001263/").content.decode()
    for text in [
        "Cấp Phiếu lý lịch tư pháp",
        "2.001263",
        "Sở Tư pháp",
        "Tờ khai theo mẫu",
        "Miễn lệ phí",
        "Thẩm định",
        "Luật Hộ tịch số 60/2014/QH13",
        "Giấy chứng nhận",
    ]:
        assert text in page, text


def test_unknown_procedure_is_a_404_page(client, catalog):
    assert client.get("/thu-tuc/9.999999/").status_code == 404


def test_english_is_available(client, catalog):
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert '<html lang="en">' in page
    assert "Find an administrative procedure" in page


def main_of(response) -> str:
    return response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]


def test_procedure_page_is_kept_until_the_catalog_or_glossary_changes(
    client, catalog, django_assert_max_num_queries
):
    from motcua.catalog.models import Fee, ProcedureVersion
    from motcua.portal.models import GlossaryTerm

    first = main_of(client.get("/thu-tuc/2.001263/"))
    assert "Miễn lệ phí" in first
    with django_assert_max_num_queries(0):
        # A repeat reads nothing: the body is kept in the process (no session, no signed-in user here).
        assert main_of(client.get("/thu-tuc/2.001263/")) == first

    fee = Fee.objects.get(version__procedure__code="2.001263")
    fee.note = "Thu theo Thông tư 244/2016/TT-BTC"
    fee.save()
    assert "Thu theo Thông tư 244/2016/TT-BTC" in main_of(client.get("/thu-tuc/2.001263/"))

    GlossaryTerm.objects.create(abbreviation="NĐ-CP", expansion="Nghị định của Chính phủ")  # as the admin
    assert 'title="Nghị định của Chính phủ' in main_of(client.get("/thu-tuc/2.001263/"))

    version = ProcedureVersion.objects.get(procedure__code="2.001263", is_current=True)
    level = version.levels.get()
    assert level.name in main_of(client.get("/thu-tuc/2.001263/"))
    version.levels.clear()  # a many-to-many change sends no post_save
    assert level.name not in main_of(client.get("/thu-tuc/2.001263/"))


def test_procedure_page_follows_the_language(client, catalog, settings):
    assert "Required documents" not in main_of(client.get("/thu-tuc/2.001263/"))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert "Required documents" in main_of(client.get("/thu-tuc/2.001263/"))


@pytest.mark.django_db
def test_footer_gives_the_centres_contact_from_settings_and_the_api_link_moves_there(client, settings):
    settings.MOTCUA_CONTACT_HOTLINE = "0212 3 856 789"
    settings.MOTCUA_CONTACT_ADDRESS = "Số 8, đường Tô Hiệu, phường Tô Hiệu"
    settings.MOTCUA_CONTACT_EMAIL = "tthcc@sonla.example"
    settings.MOTCUA_CONTACT_HOURS = "Thứ Hai – Thứ Sáu, 07:30–17:30"
    html = client.get("/").content.decode()
    header, footer = html.split('<footer class="site-footer">')
    assert 'href="tel:02123856789"' in footer and "0212 3 856 789" in footer
    assert "Số 8, đường Tô Hiệu" in footer and 'href="mailto:tthcc@sonla.example"' in footer
    assert "Thứ Hai – Thứ Sáu, 07:30–17:30" in footer
    assert 'href="/api/docs"' not in header, "the citizens' menu does not offer the API"
    assert 'href="/api/docs"' in footer


@pytest.mark.django_db
def test_a_one_day_limit_reads_1_working_day_in_english(client, settings):
    make_procedure("1.000111", "Cấp bản sao trích lục hộ tịch", days="1")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/thu-tuc/1.000111/").content.decode()
    assert "1 working day" in page and "1 working days" not in page
    listing = client.get("/thu-tuc/").content.decode()
    assert "1 working day<" in listing.replace(" </td>", "<").replace("</td>", "<")


@pytest.mark.django_db
def test_fields_are_listed_in_vietnamese_order(client):
    for code, field in [("1.000201", "Xuất bản"), ("1.000202", "Đất đai"), ("1.000203", "Dược phẩm")]:
        make_procedure(code, f"Thủ tục {field}", field_name=field)
    page = client.get("/").content.decode()
    assert page.index("Dược phẩm") < page.index("Đất đai") < page.index("Xuất bản")


def test_tracking_explanations_do_not_repeat_the_status():
    """The tracking page prints "<status>. <explanation>": the explanation must not say the status again
    ("Đã trả kết quả. Đã trả kết quả. Hồ sơ đã kết thúc.")."""
    from django.utils import translation

    from motcua.dossiers.choices import DossierStatus
    from motcua.portal.views import STATUS_EXPLAINED

    for language in ("vi", "en"):
        with translation.override(language):
            for status, explained in STATUS_EXPLAINED.items():
                label = str(DossierStatus(status).label).casefold()
                assert not str(explained).casefold().startswith(label), (language, status, str(explained))


def test_examples_of_codes_are_son_la_codes():
    from django.utils import translation

    from motcua.org.models import Agency
    from motcua.portal.views import TrackForm

    with translation.override("vi"):
        assert "H52" in str(TrackForm().fields["ma"].help_text)
        messages = [
            str(v.message) for v in Agency._meta.get_field("identifier").validators if hasattr(v, "message")
        ]
        assert any("H52" in m for m in messages) and not any("H48" in m for m in messages)


@pytest.mark.django_db
def test_procedure_page_offers_templates_marks_optional_documents_and_lists_versions(
    client, settings, tmp_path
):
    import datetime as dt

    from django.core.files.base import ContentFile

    from motcua.catalog.models import ProcedureVersion, RequiredDocument

    settings.MEDIA_ROOT = tmp_path
    first = make_procedure("1.000894", "Đăng ký kết hôn")
    first.is_current, first.valid_to = False, dt.date(2026, 1, 1)
    first.save()
    second = ProcedureVersion.objects.create(
        procedure=first.procedure,
        number=2,
        valid_from=dt.date(2026, 1, 1),
        is_current=True,
        name="Đăng ký kết hôn",
        field=first.field,
        time_limit_value=first.time_limit_value,
        search_text=first.search_text,
    )
    form = RequiredDocument(version=second, position=1, name="Tờ khai đăng ký kết hôn")
    form.template.save("to-khai.docx", ContentFile(b"PK\x03\x04 a form"), save=True)
    RequiredDocument.objects.create(
        version=second, position=2, name="Văn bản ủy quyền (trường hợp ủy quyền)", is_optional=True
    )

    page = client.get("/thu-tuc/1.000894/").content.decode()
    link = f"/thu-tuc/1.000894/mau/{form.pk}/"
    assert f'href="{link}"' in page, "the form template is offered for download"
    assert "không bắt buộc" in page.lower() or "nếu" in page.lower()
    assert page.count('class="badge-optional"') == 1, "only the optional document is marked"
    assert "/van-phong/thu-tuc/1.000894/so-sanh/?from=1&amp;to=2" in page, "the history links the comparison"

    download = client.get(link)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == b"PK\x03\x04 a form"
    assert "attachment" in download["Content-Disposition"] and ".docx" in download["Content-Disposition"]
    assert client.get(f"/thu-tuc/1.000894/mau/{form.pk + 1}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("đăng kí kết hôn", "Đăng ký kết hôn"),
        ("dang ki ket hon", "Đăng ký kết hôn"),
        ("cấp phiếu lí lịch tư pháp", "Cấp Phiếu lý lịch tư pháp"),
    ],
)
def test_search_takes_either_i_or_y_spelling(client, catalog, typed, expected):
    page = client.get("/thu-tuc/", {"q": typed}).content.decode()
    assert expected in page, typed
