import datetime as dt
import unicodedata

import pytest

from motcua.catalog import selectors
from motcua.catalog.tests.factories import make_procedure
from motcua.core.errors import NotFound
from motcua.org.choices import AgencyKind
from motcua.org.tests.factories import AgencyFactory, UnitFactory, UnitLevelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalog():
    make_procedure("1.000894", "Đăng ký kết hôn")
    make_procedure("1.001193", "Đăng ký khai sinh")
    make_procedure("2.000908", "Chứng thực bản sao từ bản chính giấy tờ, văn bản", field_name="Chứng thực")
    justice = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    make_procedure(
        "2.001263",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        field_name="Lý lịch tư pháp",
        levels=("province",),
        days="10",
        agency_identifier=justice.identifier,
    )
    return justice


def codes(qs):
    return sorted(v.procedure.code for v in qs)


@pytest.mark.parametrize(
    "query",
    [
        "dang ky ket hon",
        "ĐĂNG KÝ KẾT HÔN",
        "Đăng ký kết hôn",
        unicodedata.normalize("NFD", "Đăng ký kết hôn"),
        unicodedata.normalize("NFD", "ĐĂNG KÝ KẾT HÔN"),
        "  kết   HÔN ",
        "1.000894",
    ],
)
def test_search_finds_marriage_registration_whatever_the_spelling(catalog, query):
    assert codes(selectors.procedures_current(q=query)) == ["1.000894"]


def test_search_requires_every_word(catalog):
    assert codes(selectors.procedures_current(q="dang ky")) == ["1.000894", "1.001193"]
    assert codes(selectors.procedures_current(q="dang ky tu phap")) == []
    assert codes(selectors.procedures_current(q="chung thuc")) == ["2.000908"]


def test_browse_by_agency_field_and_level(catalog):
    justice = catalog
    assert codes(selectors.procedures_current(agency=justice.identifier)) == ["2.001263"]
    assert codes(selectors.procedures_current(field="Hộ tịch")) == ["1.000894", "1.001193"]
    assert codes(selectors.procedures_current(level="province")) == ["2.001263"]
    assert len(codes(selectors.procedures_current(level="commune"))) == 3
    assert codes(selectors.procedures_current(agency="999.99.99.X99")) == []


def test_a_commune_committee_lists_the_procedures_every_commune_decides(catalog):
    commune = UnitFactory(code="04000", name="Tô Hiệu", kind="Phường", level=UnitLevelFactory(code="commune"))
    committee = AgencyFactory(kind=AgencyKind.PEOPLES_COMMITTEE, unit=commune)
    assert codes(selectors.procedures_current(agency=committee.identifier)) == [
        "1.000894",
        "1.001193",
        "2.000908",
    ]


def test_detail_of_an_unknown_code_is_not_found(catalog):
    assert selectors.procedure_detail(code="1.000894").name == "Đăng ký kết hôn"
    with pytest.raises(NotFound):
        selectors.procedure_detail(code="9.999999")


def test_a_new_version_replaces_the_old_on_its_effective_date():
    make_procedure("1.000894", "Đăng ký kết hôn", valid_from=dt.date(2025, 7, 1))
    later = make_procedure(
        "1.000894", "Đăng ký kết hôn (sửa đổi)", valid_from=dt.date(2026, 3, 1), today=dt.date(2026, 1, 1)
    )
    assert later.number == 2 and not later.is_current
    assert selectors.procedure_detail(code="1.000894").name == "Đăng ký kết hôn"
    # On the effective date the daily refresh switches the catalog over.
    from motcua.catalog.services import catalog_refresh_current

    assert catalog_refresh_current(today=dt.date(2026, 3, 1)) == 1
    current = selectors.procedure_detail(code="1.000894")
    assert (current.number, current.name) == (2, "Đăng ký kết hôn (sửa đổi)")
    first = current.procedure.versions.get(number=1)
    assert first.valid_to == dt.date(2026, 3, 1)


def test_listing_costs_the_same_queries_for_any_page_size(catalog, django_assert_max_num_queries):
    for n in range(30):
        make_procedure(f"1.{100000 + n:06d}", f"Thủ tục thử {n}")
    for size in (5, 30):
        with django_assert_max_num_queries(3):
            items = list(selectors.procedures_current()[:size])
            for v in items:
                (v.procedure.code, v.field.name, [level.code for level in v.levels.all()])
