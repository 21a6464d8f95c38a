import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from motcua.core.text import fold, nfc, search_terms


def test_fold_removes_vietnamese_diacritics_and_case():
    assert fold("ĐĂNG KÝ KẾT HÔN") == "dang ky ket hon"
    assert fold("Đăng ký kết hôn") == "dang ky ket hon"
    assert fold("Cấp   giấy phép\txây dựng") == "cap giay phep xay dung"


def test_fold_is_the_same_for_nfc_and_nfd_input():
    text = "Chứng thực bản sao từ bản chính giấy tờ, văn bản"
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_nfc_composes():
    decomposed = unicodedata.normalize("NFD", "Sơn La")
    assert decomposed != "Sơn La"
    assert nfc(decomposed) == "Sơn La"


def test_search_terms_split_on_whitespace():
    assert search_terms("  Đăng   ký ") == ["dang", "ky"]
    assert search_terms("") == []


@given(st.text())
def test_fold_is_idempotent_and_normalization_blind(text):
    folded = fold(text)
    assert fold(folded) == folded
    assert fold(unicodedata.normalize("NFD", text)) == fold(unicodedata.normalize("NFC", text))


def test_nul_characters_are_refused_with_a_clear_400(client, db):
    # PostgreSQL cannot store NUL in text: without this the search would fail with a server error.
    response = client.get("/api/v1/procedures", {"agency": "a\x00b"})
    assert response.status_code == 400 and response.json()["code"] == "invalid_input"
    response = client.post(
        "/api/v1/auth/token", '{"username": "a\\u0000", "password": "x"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert client.get("/thu-tuc/", {"q": "x\x00"}).status_code == 400


def test_vietnamese_order_puts_each_letter_where_the_alphabet_does():
    from motcua.core.text import vietnamese_sort_key

    names = [
        "Xuất bản",
        "Đất đai",
        "Y tế",
        "Dược",
        "Giáo dục",
        "Ăn uống",
        "An toàn",
        "Bán hàng",
        "Hội",
        "Hộ tịch",
    ]
    assert sorted(names, key=vietnamese_sort_key) == [
        "An toàn",
        "Ăn uống",
        "Bán hàng",
        "Dược",
        "Đất đai",
        "Giáo dục",
        "Hộ tịch",
        "Hội",
        "Xuất bản",
        "Y tế",
    ]
    assert sorted(["ạ", "á", "a", "ã", "à", "ả"], key=vietnamese_sort_key) == ["a", "à", "ả", "ã", "á", "ạ"]
