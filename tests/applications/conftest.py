"""Roles and rounds of the applying tests."""
import io

import pytest

from tests.factories.applying import PreparerFactory, SignatoryFactory, open_round

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def pdf_upload(name: str = "证明.pdf", content: bytes = PDF_BYTES):
    upload = io.BytesIO(content)
    upload.name = name
    return upload


@pytest.fixture
def little_giant_round(catalogue):
    """韶关 (in force): the 国家专精特新"小巨人" award, 100万元, one document required."""
    return open_round("national-little-giant-award")


@pytest.fixture
def signatory(db):
    return SignatoryFactory()


@pytest.fixture
def preparer(signatory):
    return PreparerFactory(enterprise=signatory.enterprise)
