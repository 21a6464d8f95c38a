"""Data for the portal's browser tests. The browser fixtures themselves (browser, page, mobile_page,
axe) come from the motcua.core.testing.browser plugin, loaded for the whole suite."""

import pytest

from motcua.catalog.tests.factories import make_procedure
from motcua.org.tests.factories import AgencyFactory
from motcua.portal.demo import portal_load_demo


@pytest.fixture
def portal_data(transactional_db):
    """A small catalog, the demo announcements and the glossary (the live server needs committed rows)."""
    justice = AgencyFactory(identifier="000.00.53.H48", name="Sở Tư pháp")
    make_procedure("1.000894", "Đăng ký kết hôn")
    ward = AgencyFactory(identifier="000.20.53.H48", name="UBND phường Tô Hiệu")
    make_procedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản do cơ quan có thẩm quyền cấp",
        field_name="Chứng thực",
        agency_identifier=ward.identifier,
    )
    make_procedure(
        "2.001263",
        "Cấp Phiếu lý lịch tư pháp",
        field_name="Lý lịch tư pháp",
        levels=("province",),
        days="10",
        agency_identifier=justice.identifier,
    )
    portal_load_demo()
    return justice
