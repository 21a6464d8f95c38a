import importlib
import unicodedata

import pytest
from django.apps import apps as django_apps
from django.template import Context, Template
from django.utils.safestring import SafeData, mark_safe

from motcua.portal.glossary import mark_abbreviations
from motcua.portal.models import GlossaryTerm
from motcua.portal.selectors import Term, glossary_terms

TERMS = [
    Term("UBND", "Ủy ban nhân dân", ""),
    Term("VP UBND", "Văn phòng Ủy ban nhân dân", "Cơ quan giúp việc"),
    Term("HĐND", "Hội đồng nhân dân", 'Bầu bởi "cử tri" & <dân>'),
    Term("Bộ phận Một cửa", "Bộ phận Tiếp nhận và Trả kết quả", ""),
]


def test_wraps_known_abbreviations_and_escapes_the_rest():
    html = mark_abbreviations("<script>x</script> UBND tỉnh & HĐND", TERMS)
    assert isinstance(html, SafeData)
    assert "&lt;script&gt;x&lt;/script&gt;" in html and "<script>" not in html
    assert '<abbr title="Ủy ban nhân dân">UBND</abbr> tỉnh &amp; ' in html
    assert '<abbr title="Hội đồng nhân dân: Bầu bởi &quot;cử tri&quot; &amp; &lt;dân&gt;">HĐND</abbr>' in html


def test_whole_words_only_and_longest_term_first():
    html = mark_abbreviations("VP UBND và UBNDX, xUBND, UBND.", TERMS)
    assert html.count("<abbr") == 2
    assert '<abbr title="Văn phòng Ủy ban nhân dân: Cơ quan giúp việc">VP UBND</abbr>' in html
    assert "UBNDX" in html and "xUBND" in html
    assert '<abbr title="Ủy ban nhân dân">UBND</abbr>.' in html


def test_multi_word_terms_and_any_unicode_normalisation():
    nfd = unicodedata.normalize("NFD", "Nộp tại Bộ phận Một cửa")
    html = mark_abbreviations(nfd, TERMS)
    assert "<abbr" in html and "Bộ phận Một cửa</abbr>" in html


def test_never_wraps_twice():
    once = mark_abbreviations("VP UBND và UBND", TERMS)
    twice = mark_abbreviations(once, TERMS)
    assert twice == once
    assert twice.count("<abbr") == 2


def test_safe_html_input_keeps_its_tags():
    html = mark_abbreviations(mark_safe('<a href="/UBND">UBND</a>'), TERMS)
    assert html == '<a href="/UBND"><abbr title="Ủy ban nhân dân">UBND</abbr></a>'


def test_no_terms_still_escapes():
    assert mark_abbreviations("<b>UBND</b>", []) == "&lt;b&gt;UBND&lt;/b&gt;"


def test_filter_uses_the_database_terms_and_sees_changes(db):
    template = Template("{% load portal %}{{ text|glossary }}")
    assert "<abbr" in template.render(Context({"text": "Kế hoạch kiểm soát TTHC"}))  # from the data migration
    assert "<abbr" not in template.render(Context({"text": "Cổng KSTT"}))
    GlossaryTerm.objects.create(abbreviation="KSTT", expansion="kiểm soát thủ tục hành chính")  # as the admin
    assert '<abbr title="kiểm soát thủ tục hành chính">KSTT</abbr>' in template.render(
        Context({"text": "Cổng KSTT"})
    )
    assert template.render(Context({"text": None})) == ""


def test_term_list_is_cached(db, django_assert_num_queries):
    glossary_terms()
    with django_assert_num_queries(0):
        glossary_terms()


def test_data_migration_is_reversible(db):
    migration = importlib.import_module("motcua.portal.migrations.0002_glossary_terms")
    abbreviations = [t[0] for t in migration.TERMS]
    assert set(abbreviations) >= {
        "TTHC",
        "UBND",
        "HĐND",
        "VP UBND",
        "PVHCC",
        "PAKN",
        "DVCQG",
        "CCHC",
        "Bộ phận Một cửa",
    }
    assert GlossaryTerm.objects.filter(abbreviation__in=abbreviations).count() == len(abbreviations)
    migration.remove_terms(django_apps, None)
    assert not GlossaryTerm.objects.filter(abbreviation__in=abbreviations).exists()
    migration.add_terms(django_apps, None)
    migration.add_terms(django_apps, None)
    assert GlossaryTerm.objects.filter(abbreviation__in=abbreviations).count() == len(abbreviations)


def test_every_term_is_nfc():
    from motcua.portal.glossary_data import DEFAULT_TERMS

    for row in DEFAULT_TERMS:
        for text in row:
            assert unicodedata.is_normalized("NFC", text), text


@pytest.mark.django_db
def test_glossary_page(client):
    page = client.get("/thuat-ngu/").content.decode()
    assert 'id="t-vp-ubnd"' in page and "Văn phòng Ủy ban nhân dân" in page
    assert 'id="t-bo-phan-mot-cua"' in page
