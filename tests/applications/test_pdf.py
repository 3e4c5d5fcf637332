"""The application PDF: what a reader finds in it, its size and pages, its font, and the amount in capitals."""
from __future__ import annotations

import io
import re
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from applications.pdf import FONT_DIR, capital_yuan, render_application_pdf, verification_code, verification_url
from tests.factories.pdf import application_snapshot

ROOT = Path(__file__).resolve().parents[2]
VERIFY = "http://portal.example.cn/verify/shaoguan-2026-00001/?code=ABCDEFGHJK"


@pytest.fixture(scope="module")
def typical_pdf() -> bytes:
    return render_application_pdf(application_snapshot(), verify_url=VERIFY)


def text_of(pdf: bytes) -> str:
    """The PDF's extracted text with all white space removed (extraction splits lines where the layout did)."""
    reader = PdfReader(io.BytesIO(pdf))
    return re.sub(r"\s+", "", "".join(page.extract_text() for page in reader.pages))


def test_a_reader_finds_the_enterprise_reference_amount_and_clause(typical_pdf):
    text = text_of(typical_pdf)
    snapshot = application_snapshot()
    assert "韶关市丹霞精密机械制造有限公司" in text
    assert snapshot["enterprise"]["credit_code"] in text
    assert "shaoguan-2026-00001" in text
    assert "申请金额250万元" in text
    assert "人民币贰佰伍拾万元整" in text
    assert "第（八）条" in text
    assert "关于推动制造业高质量发展的实施意见" in text and "韶委字〔2020〕2号" in text
    # the quoted clause, verbatim
    assert "按不超过单个项目总投资的20%，且最高不超过300万元的额度" in text
    # the amount's steps and the eligibility reasons
    assert "20%×1,250万元=250万元" in text
    assert "韶关市·第（八）条：支持“专精特新”企业——是✓" in text
    assert "2026年11月26日10:00" in text
    assert "法定代表人（或授权人）签字" in text and "申报单位（盖章）" in text


def test_every_attachment_is_listed_with_its_sha256(typical_pdf):
    text = text_of(typical_pdf)
    for attachment in application_snapshot()["attachments"]:
        assert attachment["name"] in text
        assert attachment["sha256"] in text


def test_the_verification_url_is_printed_and_in_a_qr_code(typical_pdf):
    text = text_of(typical_pdf)
    assert VERIFY in text
    assert "核验码ABCDE-FGHJK" in text  # printed beside the reference, to be typed on the verification page
    reader = PdfReader(io.BytesIO(typical_pdf))
    (qr,) = reader.pages[0].images  # one pixel per module: a QR code of version v is 17 + 4v modules wide
    width, height = qr.image.size
    assert width == height and (width - 17) % 4 == 0


def test_a_typical_application_is_two_to_three_a4_pages_under_100_kb(typical_pdf):
    reader = PdfReader(io.BytesIO(typical_pdf))
    assert 2 <= len(reader.pages) <= 3
    width, height = (float(v) for v in reader.pages[0].mediabox.upper_right)
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (210, 297)
    assert len(typical_pdf) <= 100 * 1024


def test_pages_are_numbered_in_the_footer(typical_pdf):
    reader = PdfReader(io.BytesIO(typical_pdf))
    total = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        assert f"第{number}页/共{total}页" in re.sub(r"\s+", "", page.extract_text())


def test_only_the_vendored_font_is_embedded(typical_pdf):
    """No glyph of a typical application falls back to a system font."""
    reader = PdfReader(io.BytesIO(typical_pdf))
    fonts = {str(font["/BaseFont"]) for page in reader.pages
             for font in page["/Resources"]["/Font"].values() if "/BaseFont" in font}
    assert fonts and all(re.fullmatch(r"/[A-Z]{6}\+Portal-Sans-SC(-Bold)?", name) for name in fonts), fonts


def test_rare_characters_a_user_types_are_printed_from_the_fallback_font():
    """堃 (outside GB 2312) and 𠀾 (CJK extension B) are in no vendored subset: the system CJK font prints them."""
    pdf = render_application_pdf(application_snapshot(enterprise={"name": "韶关市𠀾堃精密机械有限公司",
                                                                  "legal_representative": "王堃"}),
                                 verify_url=VERIFY)
    text = text_of(pdf)
    assert "韶关市𠀾堃精密机械有限公司" in text and "王堃" in text
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(font["/BaseFont"]): font for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    (fallback,) = [font for name, font in fonts.items() if "Noto-Sans-CJK" in name]
    # the fallback font's own glyphs, not a missing-glyph box of the vendored font, carry the two characters
    cmap = fallback["/ToUnicode"].get_object().get_data().decode("latin-1")
    assert "5803" in cmap.upper() and "D840DC3E" in cmap.upper()  # 堃, and 𠀾 as its UTF-16 surrogate pair
    assert 2 <= len(reader.pages) <= 3


def test_renders_in_a_row_share_nothing_but_the_fonts_and_the_stylesheet():
    """The cached font configuration and stylesheet never carry one application's text into the next PDF."""
    first = text_of(render_application_pdf(application_snapshot(
        reference="shaoguan-2026-00101", enterprise={"name": "韶关市𠀾堃精密机械有限公司"}),
        verify_url="http://portal.example.cn/verify/shaoguan-2026-00101/?code=AAAAABBBBB"))
    second_pdf = render_application_pdf(application_snapshot(
        reference="jiangmen-2026-00202", enterprise={"name": "江门示例制造有限公司"}),
        verify_url="http://portal.example.cn/verify/jiangmen-2026-00202/?code=CCCCCDDDDD")
    second = text_of(second_pdf)
    assert "韶关市𠀾堃精密机械有限公司" in first and "shaoguan-2026-00101" in first
    assert "江门示例制造有限公司" in second and "jiangmen-2026-00202" in second and "CCCCC-DDDDD" in second
    assert "𠀾" not in second and "shaoguan-2026-00101" not in second and "AAAAA" not in second
    # the header of the second PDF's later pages carries its own reference (string-set), not the first's
    reader = PdfReader(io.BytesIO(second_pdf))
    assert "申报编号：jiangmen-2026-00202" in re.sub(r"\s+", "", reader.pages[1].extract_text())
    # and the fallback font the first PDF needed is not embedded in the second
    fonts = {str(font["/BaseFont"]) for page in reader.pages for font in page["/Resources"]["/Font"].values()}
    assert not [name for name in fonts if "Noto-Sans-CJK" in name], fonts


def test_a_later_revision_says_so():
    pdf = render_application_pdf(application_snapshot(revision=2), verify_url=VERIFY)
    assert "（第2次提交）" in text_of(pdf)


def test_text_from_the_enterprise_is_printed_as_text_never_as_markup():
    hostile = '<img src="http://attacker.example/x.png"><b>加粗</b>'
    pdf = render_application_pdf(application_snapshot(project={"description": hostile}), verify_url=VERIFY)
    text = text_of(pdf)
    assert '<imgsrc="http://attacker.example/x.png"><b>加粗</b>' in text
    assert len(PdfReader(io.BytesIO(pdf)).pages[0].images) == 1  # the QR code only


def test_the_renderer_never_fetches_from_the_network():
    from applications.pdf import _local_fetcher

    fetcher = _local_fetcher()
    with pytest.raises(ValueError):
        fetcher.fetch("http://127.0.0.1:9/x.css")
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    assert fetcher.fetch((FONT_DIR / "OFL.txt").as_uri()).read().startswith(b"Copyright")


@pytest.mark.parametrize(("yuan", "capitals"), [
    ("2500000", "人民币贰佰伍拾万元整"),
    ("1000000", "人民币壹佰万元整"),
    ("3000000", "人民币叁佰万元整"),
    ("10", "人民币壹拾元整"),
    ("105", "人民币壹佰零伍元整"),
    ("1000500", "人民币壹佰万零伍佰元整"),
    ("100005000", "人民币壹亿零伍仟元整"),
    ("12345678.9", "人民币壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角整"),
    ("12.05", "人民币壹拾贰元零伍分"),
    ("0.5", "人民币伍角整"),
    ("0", "人民币零元整"),
])
def test_amounts_in_financial_capitals(yuan, capitals):
    assert capital_yuan(Decimal(yuan)) == capitals


def test_a_negative_or_astronomical_amount_has_no_capitals():
    with pytest.raises(ValueError):
        capital_yuan(Decimal("-1"))
    assert capital_yuan(Decimal("9999999999999999")).startswith("人民币玖仟玖佰玖拾玖万亿")
    with pytest.raises(ValueError):
        capital_yuan(Decimal("10000000000000000"))


def test_a_sparse_snapshot_still_renders_what_it_has():
    """Snapshots are frozen forever: one written before a field existed must still print."""
    pdf = render_application_pdf({"reference": "jiangmen-2026-00007", "revision": 1,
                                  "enterprise": {"name": "江门示例制造有限公司"},
                                  "amount": {"requested": "不是数字"}}, verify_url=VERIFY)
    text = text_of(pdf)
    assert "jiangmen-2026-00007" in text and "江门示例制造有限公司" in text


def test_the_verification_code_depends_on_the_reference_and_the_secret(settings):
    code = verification_code("shaoguan-2026-00001")
    assert re.fullmatch(r"[A-Z2-7]{10}", code)
    assert verification_code("shaoguan-2026-00002") != code
    settings.PORTAL_PUBLIC_URL = "https://portal.example.cn/"
    assert verification_url("shaoguan-2026-00001") == \
        f"https://portal.example.cn/verify/shaoguan-2026-00001/?code={code}"
    settings.SECRET_KEY = "another-secret-key-for-the-test"
    assert verification_code("shaoguan-2026-00001") != code


# The vendored font ---------------------------------------------------------------------------------------------

def cmap_of(name: str) -> set[int]:
    return set(TTFont(FONT_DIR / name, lazy=True).getBestCmap())


def printable(text: str) -> set[str]:
    return {c for c in text if c.isprintable() and not c.isspace()}


def policy_texts() -> list[str]:
    texts = []
    for path in sorted((ROOT / "fixtures" / "policies").glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        document = data["document"]
        texts += [document["title"], document.get("number") or "", document.get("issuer") or "", document["full_text"]]
        texts += [clause["text"] for clause in data["clauses"]] + [clause["number"] for clause in data["clauses"]]
        for incentive in data["incentives"]:
            texts += [incentive["name"], incentive.get("summary", ""), *incentive.get("documents", [])]
    return texts


def template_strings() -> str:
    folder = ROOT / "templates" / "applications" / "pdf"
    return "".join(path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.*")))


def test_every_character_of_the_policies_and_the_template_is_in_the_regular_font():
    regular = cmap_of("NotoSansSC-Regular.subset.ttf")
    missing = {c for text in policy_texts() for c in printable(text) if ord(c) not in regular}
    assert not missing, "".join(sorted(missing))
    assert not {c for c in printable(template_strings()) if ord(c) not in regular}


def test_the_bold_font_has_every_character_of_the_template_and_the_incentive_names():
    bold = cmap_of("NotoSansSC-Bold.subset.ttf")
    names = [text for text in policy_texts()]
    missing = {c for c in printable(template_strings() + "".join(names)) if ord(c) not in bold}
    assert not missing, "".join(sorted(missing))


def test_the_regular_font_has_the_common_hanzi_a_name_or_address_uses():
    regular = cmap_of("NotoSansSC-Regular.subset.ttf")
    gb2312 = []
    for row in range(0xB0, 0xF8):
        for cell in range(0xA1, 0xFF):
            try:
                gb2312.append(bytes([row, cell]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    assert len(gb2312) == 6763
    assert all(ord(c) in regular for c in gb2312)
    assert all(ord(c) in regular for c in printable(str(application_snapshot())))


def test_the_vendored_fonts_are_small_and_carry_their_licence():
    sizes = {path.name: path.stat().st_size for path in FONT_DIR.glob("*.ttf")}
    assert set(sizes) == {"NotoSansSC-Regular.subset.ttf", "NotoSansSC-Bold.subset.ttf"}
    assert sum(sizes.values()) < 4 * 1024 * 1024
    licence = (FONT_DIR / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL Open Font License" in licence
    name = TTFont(FONT_DIR / "NotoSansSC-Regular.subset.ttf", lazy=True)["name"]
    assert "Open Font License" in name.getDebugName(13)
