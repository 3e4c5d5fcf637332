"""The application PDF (申报书): a frozen submission snapshot rendered by WeasyPrint in a vendored, pre-subset font."""
from __future__ import annotations

import atexit
import base64
import contextlib
import datetime as dt
import gc
import logging
import re
import threading
import zoneinfo
from decimal import Decimal, InvalidOperation
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.crypto import salted_hmac

FONT_DIR = Path(__file__).resolve().parent / "pdf_fonts"
TEMPLATE = "applications/pdf/application.html"
STYLESHEET = Path(settings.BASE_DIR) / "templates" / "applications" / "pdf" / "application.css"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# The template's indentation between tags: every run of it is one more box for WeasyPrint to build, style and lay
# out. Only ASCII white space: an ideographic space (U+3000) between two tags is text the template prints.
_BETWEEN_TAGS = re.compile(r">[ \t\r\n]+<")

DOCUMENT_STATUS = {"in_force": "现行有效", "expired": "已失效", "draft": "征求意见稿", "repealed": "已废止"}
ELIGIBILITY_STATUS = {"eligible": "符合申报条件", "unknown": "待核实", "not_eligible": "不符合申报条件"}
_DIGITS = "零壹贰叁肆伍陆柒捌玖"
_UNITS = ("", "拾", "佰", "仟")
_GROUPS = ("", "万", "亿", "万亿")


def verification_code(reference: str) -> str:
    """A short code printed with the reference: the public verification page shows nothing without it."""
    digest = salted_hmac("applications.pdf.verification", reference, algorithm="sha256").digest()
    return base64.b32encode(digest).decode()[:10]


def verification_url(reference: str) -> str:
    """The absolute address of the verification page printed on (and encoded in the QR code of) the PDF."""
    path = reverse("verify:application", kwargs={"reference": reference})
    return f"{settings.PORTAL_PUBLIC_URL.rstrip('/')}{path}?{urlencode({'code': verification_code(reference)})}"


def render_application_pdf(snapshot: dict, *, verify_url: str) -> bytes:
    """Render one submission's snapshot as the A4 申报书 PDF, always in Simplified Chinese."""
    import weasyprint  # imported here: Pango is loaded only by the processes that render

    with translation.override("zh-hans"):
        html = _BETWEEN_TAGS.sub("><", render_to_string(TEMPLATE, _context(snapshot, verify_url)))
    fonts, stylesheet, fetcher = _resources()
    with _collector_paused():
        document = weasyprint.HTML(string=html, base_url=FONT_DIR.as_uri() + "/", url_fetcher=fetcher)
        return document.write_pdf(stylesheets=[stylesheet], font_config=fonts)


@contextlib.contextmanager
def _collector_paused():
    """Pause the cyclic garbage collector while WeasyPrint builds its boxes.

    A render allocates hundreds of thousands of small objects, which sets off collections that walk every
    object of the Django process each time: about a fifth of the render. What the render leaves behind is
    collected as usual afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_local = threading.local()
# WeasyPrint logs every step of every document at INFO: a worker's log would be nothing else.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def _resources():
    """The font configuration and the stylesheet with its @font-face rules, built once per thread.

    Loading the fonts into fontconfig is the slow part of a first render; WeasyPrint's FontConfiguration
    is not shared between threads, so each worker thread keeps its own.
    """
    if getattr(_local, "resources", None) is None:
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        fonts, fetcher = FontConfiguration(), _local_fetcher()
        stylesheet = CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=FONT_DIR.as_uri() + "/",
                         font_config=fonts, url_fetcher=fetcher)
        _local.resources = (fonts, stylesheet, fetcher)
        atexit.register(_local.__dict__.clear)  # before interpreter shutdown, while fontconfig can still be freed
    return _local.resources


def _local_fetcher():
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        """The vendored fonts and data: URIs only: a snapshot can never make the renderer reach the network."""

        def fetch(self, url, headers=None):
            if url.startswith("data:") or url.startswith(FONT_DIR.as_uri() + "/"):
                return super().fetch(url, headers)
            raise ValueError(f"申报书只使用随附字体，不读取外部资源：{url}")

    return LocalFetcher(allowed_protocols={"file", "data"}, fail_on_errors=True)


def _context(snapshot: dict, verify_url: str) -> dict:
    incentive = snapshot.get("incentive", {})
    amount = snapshot.get("amount", {})
    eligibility = snapshot.get("eligibility", {})
    requested = _decimal(amount.get("requested"))
    submitted_at = _local_time(snapshot.get("submitted_at"))
    qr = segno.make(verify_url, error="m")
    return {
        "s": snapshot,
        "enterprise": snapshot.get("enterprise", {}),
        "contact": snapshot.get("contact", {}),
        "project": snapshot.get("project", {}),
        "round": snapshot.get("round", {}),
        "incentive": incentive,
        "document_status": DOCUMENT_STATUS.get(incentive.get("document_status"), incentive.get("document_status", "")),
        "eligibility": eligibility,
        "eligibility_label": ELIGIBILITY_STATUS.get(eligibility.get("status"), eligibility.get("status", "")),
        "eligibility_on": _local_date(eligibility.get("on")),
        "amount": amount,
        "maximum": _wan(amount.get("maximum")),
        "requested": _wan(amount.get("requested")),
        "requested_capital": capital_yuan(requested * 10000) if requested is not None else "",
        "attachments": [{**a, "size_label": _size(a.get("size"))} for a in snapshot.get("attachments", [])],
        "submitted_at": _datetime_label(submitted_at),
        "submitted_date": submitted_at.date() if submitted_at else None,
        "closes_at": _datetime_label(_local_time(snapshot.get("round", {}).get("closes_at"))),
        "verify_url": verify_url,
        "verify_code": _grouped(parse_qs(urlsplit(verify_url).query).get("code", [""])[0]),
        # One pixel per module, drawn unsmoothed (image-rendering: pixelated): sharp at any print size, a few
        # hundred bytes, and decoded in a millisecond where an SVG path of every module costs tens of them.
        "qr_data_uri": qr.png_data_uri(scale=1, border=0),
    }


def _grouped(code: str) -> str:
    """ABCDEFGHJK -> ABCDE-FGHJK: easier to read off paper and type (the page ignores the dash)."""
    return "-".join(code[i:i + 5] for i in range(0, len(code), 5))


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "")) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _wan(value) -> str:
    """'1250.00' -> '1,250'; money stays Decimal, only its display loses trailing zeros."""
    number = _decimal(value)
    if number is None:
        return ""
    text = f"{number.quantize(Decimal('0.01')):,}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def capital_yuan(amount: Decimal) -> str:
    """An amount in 元 in the financial capitals of Chinese forms: 2500000 -> 人民币贰佰伍拾万元整."""
    fen_total = int((Decimal(amount) * 100).quantize(Decimal(1)))
    if fen_total < 0:
        raise ValueError("金额不能为负数")
    if fen_total >= 10 ** 18:
        raise ValueError("金额超出可大写的范围（万亿元）")
    yuan, rest = divmod(fen_total, 100)
    jiao, fen = divmod(rest, 10)
    text = _integer_capital(yuan) + "元" if yuan else ""
    if not jiao and not fen:
        return f"人民币{text or '零元'}整"
    if jiao:
        text += _DIGITS[jiao] + "角"
    elif yuan:
        text += "零"
    text += _DIGITS[fen] + "分" if fen else "整"
    return "人民币" + text


def _integer_capital(number: int) -> str:
    groups = []
    while number:
        number, group = divmod(number, 10000)
        groups.append(group)
    text, zero_pending = "", False
    for index in range(len(groups) - 1, -1, -1):
        group = groups[index]
        if group == 0:
            zero_pending = bool(text)
            continue
        if text and (zero_pending or group < 1000):
            text += "零"
        zero_pending, part, inner_zero = False, "", False
        for position in range(3, -1, -1):
            digit = group // 10 ** position % 10
            if digit == 0:
                inner_zero = bool(part)
                continue
            if inner_zero:
                part += "零"
                inner_zero = False
            part += _DIGITS[digit] + _UNITS[position]
        text += part + _GROUPS[index]
    return text or "零"


def _local_time(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment.astimezone(SHANGHAI) if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)


def _datetime_label(moment: dt.datetime | None) -> str:
    return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}" if moment else ""


def _local_date(value: str | None) -> str:
    try:
        day = dt.date.fromisoformat(value or "")
    except ValueError:
        return value or ""
    return f"{day.year}年{day.month}月{day.day}日"


def _size(value) -> str:
    if not isinstance(value, int):
        return ""
    if value >= 1024 * 1024:
        return f"{value / 1024 / 1024:.1f} MB"
    return f"{max(1, round(value / 1024))} KB"
