import pytest
from django.core.exceptions import ValidationError

from motcua.org.phones import international_phone, normalize_phone


@pytest.mark.parametrize(
    "raw", ["0912345678", "0912 345 678", "0912.345.678", "+84 912 345 678", "84912345678", "(091) 234-5678"]
)
def test_every_common_spelling_becomes_the_national_form(raw):
    assert normalize_phone(raw) == "0912345678"
    assert international_phone(raw) == "+84912345678"


def test_a_landline_with_area_code_is_accepted():
    assert normalize_phone("0212 3856 789") == "02123856789"


@pytest.mark.parametrize(
    "raw", ["", "12345", "0012345678", "091234567", "09123456789012", "+1 202 555 0100", "abc"]
)
def test_what_is_not_a_vietnamese_number_is_refused(raw):
    with pytest.raises(ValidationError):
        normalize_phone(raw)
