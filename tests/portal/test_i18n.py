"""Languages: the portal speaks Simplified Chinese by default and English once the visitor switches."""
from __future__ import annotations

import gettext
import re

import pytest
from django.urls import reverse

from tests.conftest import ROOT

PO = ROOT / "locale" / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
LIBRARY = "/policies/"
SETLANG = "/i18n/setlang/"


def html_lang(response) -> str:
    match = re.search(r'<html lang="([^"]+)"', response.content.decode())
    assert match, "no <html lang=...> in the page"
    return match.group(1)


def switch_to(client, language: str, next_url: str = LIBRARY):
    """Do what the navbar's language form does: POST language (and next) to set_language."""
    return client.post(SETLANG, {"language": language, "next": next_url}, follow=True)


def test_setlang_is_where_the_navbar_form_posts(client, catalogue):
    assert reverse("set_language") == SETLANG
    page = client.get(LIBRARY).content.decode()
    assert f'action="{SETLANG}"' in page
    assert 'name="language"' in page
    assert '<option value="en"' in page


def test_policy_library_is_in_chinese_by_default(client, catalogue):
    response = client.get(LIBRARY)
    assert response.status_code == 200
    assert html_lang(response) == "zh-hans"
    page = response.content.decode()
    assert "<h1" in page and ">政策库</h1>" in page
    assert "Policy library" not in page


def test_switching_to_english_translates_the_library(client, catalogue):
    response = switch_to(client, "en")
    assert response.status_code == 200
    assert response.redirect_chain and response.redirect_chain[-1][0] == LIBRARY
    assert html_lang(response) == "en"
    page = response.content.decode()
    assert ">Policy library</h1>" in page
    assert ">政策库</h1>" not in page
    assert "Manufacturing Enterprise Incentive Policy Portal" in page
    assert f"{len(catalogue)} documents" in page or f"{len(catalogue)} document<" in page

    # The choice sticks for later requests, and can be switched back.
    again = client.get(LIBRARY)
    assert html_lang(again) == "en" and ">Policy library</h1>" in again.content.decode()
    back = switch_to(client, "zh-hans")
    assert html_lang(back) == "zh-hans" and ">政策库</h1>" in back.content.decode()


def test_status_badges_are_translated(client, catalogue):
    page = switch_to(client, "en").content.decode()
    assert any(word in page for word in ("In force", "Draft for comment", "Expired", "Not yet in force"))
    compact = re.sub(r"\s+", "", page)  # badges are the only elements holding just a status word
    for chinese in ("现行有效", "征求意见稿", "已失效", "尚未施行"):
        assert f">{chinese}<" not in compact


def test_admin_is_in_english_after_switching(client, administrator):
    client.force_login(administrator)
    chinese = client.get("/admin/")
    assert chinese.status_code == 200
    assert html_lang(chinese) == "zh-hans"
    assert "制造业惠企政策平台 · 管理后台" in chinese.content.decode()

    switch_to(client, "en", next_url="/admin/")
    response = client.get("/admin/")
    assert response.status_code == 200
    assert html_lang(response) == "en"
    page = response.content.decode()
    assert "Manufacturing Enterprise Incentive Policy Portal · Administration" in page
    assert "Policies and incentives" in page
    assert "管理后台" not in page and "政策与激励" not in page


def po_entries() -> list[tuple[str, list[str], bool]]:
    """(msgid, msgstrs, fuzzy) for every non-header, non-obsolete entry of the English catalogue."""
    entries = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.strip().splitlines() if not line.startswith("#~")]
        if not any(line.startswith("msgid ") for line in lines):
            continue
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        fields: dict[str, str] = {}
        key = None
        for line in lines:
            if line.startswith("#"):
                continue
            if line.startswith('"'):
                fields[key] += eval(line)  # noqa: S307 - a PO string literal
            else:
                key, _, literal = line.partition(" ")
                fields[key] = eval(literal)  # noqa: S307
        if fields["msgid"]:
            strs = [v for k, v in fields.items() if k.startswith("msgstr")]
            entries.append((fields["msgid"], strs, fuzzy))
    return entries


def test_english_catalogue_is_complete_and_compiled():
    entries = po_entries()
    assert entries
    untranslated = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert not untranslated, f"untranslated or fuzzy in {PO.name}: {untranslated}"
    placeholders = re.compile(r"%\(\w+\)[sd]")
    for msgid, strs, _ in entries:
        for msgstr in strs:
            assert sorted(placeholders.findall(msgid)) == sorted(placeholders.findall(msgstr)), msgid
    assert MO.exists(), "run manage.py compilemessages"
    with MO.open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    missing = [msgid for msgid, strs, _ in entries
               if compiled.gettext(msgid) == msgid and strs[0] != msgid and "%(counter)s" not in msgid]
    assert not missing, f"{MO.name} is out of date with {PO.name}: {missing}"


@pytest.mark.parametrize("chinese, english", [
    ("政策库", "Policy library"), ("征求意见稿", "Draft for comment"), ("现行有效", "In force"), ("已失效", "Expired"),
])
def test_key_terms(chinese, english, settings):
    from django.utils import translation

    with translation.override("en"):
        assert translation.gettext(chinese) == english
