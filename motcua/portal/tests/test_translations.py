"""The UI speaks Vietnamese by default: every catalog entry is translated and compiled."""

import unicodedata
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / "django.po"


def _entries():
    # A tiny reader for the .po fields we need, to keep polib out of the runtime dependencies.
    entries, current, key = [], {}, None
    for raw in PO.read_text(encoding="utf-8").splitlines() + [""]:
        line = raw.strip()
        if not line:
            if current.get("msgid"):
                entries.append(current)
            current, key = {}, None
        elif line.startswith("#,"):
            current["flags"] = line
        elif line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ", "msgctxt ")):
            key, _, value = line.partition(" ")
            current[key] = value[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
        elif line.startswith('"') and key:
            current[key] += line[1:-1].encode().decode("unicode_escape").encode("latin-1").decode("utf-8")
    return entries


def test_every_message_is_translated_nfc_and_compiled():
    entries = _entries()
    assert len(entries) > 200
    with translation.override("vi"):
        for entry in entries:
            translated = entry.get("msgstr", entry.get("msgstr[0]", ""))
            assert translated, entry["msgid"]
            assert "fuzzy" not in entry.get("flags", ""), entry["msgid"]
            assert unicodedata.is_normalized("NFC", translated), entry["msgid"]
            if "msgid_plural" in entry or "msgctxt" in entry:
                continue
            assert translation.gettext(entry["msgid"]) == translated, f"stale .mo for {entry['msgid']!r}"


def test_pages_are_vietnamese_by_default(client, db):
    page = client.get("/").content.decode()
    assert "Tìm" in page and "thủ tục hành chính" in page


def test_a_browser_asking_for_english_still_gets_vietnamese_until_the_user_switches(client, db):
    page = client.get("/", headers={"accept-language": "en-US,en;q=0.9"}).content.decode()
    assert '<html lang="vi">' in page
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    assert '<html lang="en">' in client.get("/").content.decode()
