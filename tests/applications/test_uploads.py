"""Uploads are judged by content: hostile files are refused with the reason, and nothing of them is stored."""
from __future__ import annotations

import io
import os
import struct
import zipfile
import zlib

import pytest
from django.urls import reverse

from applications.models import Attachment
from applications.uploads import UploadRefused, sniff
from tests.applications.conftest import PDF_BYTES, pdf_upload

pytestmark = pytest.mark.django_db
DOC = "国家专精特新“小巨人”企业认定文件"


def png(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = struct.pack(">I", 13) + b"IHDR" + ihdr + struct.pack(">I", zlib.crc32(b"IHDR" + ihdr))
    return b"\x89PNG\r\n\x1a\n" + chunk + b"\0" * 32


def zip_bytes(entries: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return buffer.getvalue()


HOSTILE = {
    "renamed executable": ("setup.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\0" * 200, "只接受 PDF"),
    "html named .pdf": ("report.pdf", b"<!doctype html><html><script>alert(1)</script></html>", "只接受 PDF"),
    "svg": ("logo.png", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "只接受 PDF"),
    "empty": ("empty.pdf", b"", "空"),
    "zip bomb named .pdf": ("bomb.pdf", zip_bytes({"a.txt": b"\0" * 20_000_000}), "压缩包"),
    "zip bomb posing as OFD": ("bomb.ofd", zip_bytes({"OFD.xml": b"<ofd/>", "Doc_0/x": b"\0" * 20_000_000}), "解压后"),
    "truncated pdf": ("cut.pdf", b"%PDF-1.7\n1 0 obj\n<<", "损坏"),
    "png of a billion pixels": ("huge.png", png(40_000, 40_000), "尺寸过大"),
}


@pytest.mark.parametrize("name, content, said", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_upload_is_refused_with_the_reason_and_nothing_is_stored(client, little_giant_round, signatory,
                                                                          private_files, name, content, said):
    client.force_login(signatory.user)
    incentive = little_giant_round.incentives.get()
    client.post(reverse("applying:application_start", args=[little_giant_round.pk, incentive.pk]))
    application = signatory.enterprise.applications.get()
    response = client.post(reverse("applying:application_step", args=[application.pk, "attachments"]),
                           {"requirement": DOC, "file": pdf_upload(name, content), "upload": "1"})
    assert response.status_code == 400
    assert said in response.content.decode()
    assert not Attachment.objects.exists()
    assert not private_files.exists() or not any(files for _, _, files in os.walk(private_files))


def test_an_oversized_file_is_refused(client, little_giant_round, signatory, settings):
    settings.ATTACHMENT_MAX_BYTES = 1024
    client.force_login(signatory.user)
    client.post(reverse("applying:application_start",
                        args=[little_giant_round.pk, little_giant_round.incentives.get().pk]))
    application = signatory.enterprise.applications.get()
    big = PDF_BYTES[:-7] + b"\0" * 2048 + b"\n%%EOF\n"
    response = client.post(reverse("applying:application_step", args=[application.pk, "attachments"]),
                           {"requirement": DOC, "file": pdf_upload("big.pdf", big), "upload": "1"})
    assert response.status_code == 400 and "单个文件不能超过" in response.content.decode()
    assert not Attachment.objects.exists()


def test_the_per_application_total_is_enforced(client, little_giant_round, signatory, settings):
    settings.APPLICATION_ATTACHMENTS_MAX_BYTES = len(PDF_BYTES) + 10
    client.force_login(signatory.user)
    client.post(reverse("applying:application_start",
                        args=[little_giant_round.pk, little_giant_round.incentives.get().pk]))
    application = signatory.enterprise.applications.get()
    url = reverse("applying:application_step", args=[application.pk, "attachments"])
    assert client.post(url, {"requirement": DOC, "file": pdf_upload(), "upload": "1"}).status_code == 302
    response = client.post(url, {"requirement": DOC, "file": pdf_upload(), "upload": "1"})
    assert response.status_code == 400 and "材料总大小不能超过" in response.content.decode()
    assert Attachment.objects.count() == 1


def test_accepted_files_are_named_by_content_and_served_as_attachments(client, little_giant_round, signatory):
    client.force_login(signatory.user)
    client.post(reverse("applying:application_start",
                        args=[little_giant_round.pk, little_giant_round.incentives.get().pk]))
    application = signatory.enterprise.applications.get()
    url = reverse("applying:application_step", args=[application.pk, "attachments"])
    client.post(url, {"requirement": DOC, "file": pdf_upload("扫描件.jpg", PDF_BYTES), "upload": "1"})
    attachment = Attachment.objects.get()
    assert (attachment.content_type, attachment.extension) == ("application/pdf", "pdf")
    assert attachment.file.name.endswith(f"{attachment.sha256}.pdf") and "扫描件" not in attachment.file.name
    response = client.get(reverse("applying:attachment_download", args=[application.pk, attachment.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == PDF_BYTES


@pytest.mark.parametrize("content, kind", [
    (PDF_BYTES, "application/pdf"),
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01" + b"\0" * 64, "image/jpeg"),
    (png(800, 600), "image/png"),
    (zip_bytes({"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"}), "application/ofd"),
])
def test_the_four_accepted_types_are_recognised(content, kind):
    assert sniff(io.BytesIO(content), max_bytes=10_000_000).content_type == kind


def test_a_png_header_on_other_content_is_still_checked():
    with pytest.raises(UploadRefused):
        sniff(io.BytesIO(b"\x89PNG\r\n\x1a\n<html>"), max_bytes=1000)
