"""The admin: staff read everything loaded and upload fixture files through the same validation."""
from __future__ import annotations

import copy

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from incentives.models import PolicyDocument
from tests.incentives.test_policy_files import VALID, dump

pytestmark = pytest.mark.django_db


def upload(client, data, dry_run=False):
    file = SimpleUploadedFile("test.yaml", dump(data).encode(), content_type="application/x-yaml")
    payload = {"file": file, **({"dry_run": "on"} if dry_run else {})}
    return client.post(reverse("admin:incentives_policydocument_upload"), payload, follow=True)


def test_admin_lists_and_reads_everything_loaded(client, administrator, catalogue):
    client.force_login(administrator)
    for name in ["policydocument", "clause", "incentive", "department", "fact", "policyload"]:
        assert client.get(reverse(f"admin:incentives_{name}_changelist")).status_code == 200
    document = catalogue.first()
    assert client.get(reverse("admin:incentives_policydocument_change", args=[document.pk])).status_code == 200


def test_a_valid_upload_is_loaded(client, administrator, facts_loaded):
    client.force_login(administrator)
    response = upload(client, VALID)
    assert "数据文件 test.yaml：新建" in response.content.decode()
    assert PolicyDocument.objects.filter(key="test-doc", version=1).exists()


def test_an_invalid_upload_lists_its_problems_and_loads_nothing(client, administrator, facts_loaded):
    client.force_login(administrator)
    broken = copy.deepcopy(VALID)
    broken["incentives"][0]["eligibility"]["all"][0]["fact"] = "is_factory"
    html = upload(client, broken).content.decode()
    assert "文件未通过校验，未加载任何内容" in html
    assert "incentives[0].eligibility.all[0].fact" in html and "未知的事实项“is_factory”" in html
    assert not PolicyDocument.objects.exists()


def test_a_dry_run_upload_loads_nothing(client, administrator, facts_loaded):
    client.force_login(administrator)
    upload(client, VALID, dry_run=True)
    assert not PolicyDocument.objects.exists()


def test_a_non_utf8_upload_is_refused_plainly(client, administrator, facts_loaded):
    client.force_login(administrator)
    file = SimpleUploadedFile("gbk.yaml", "标题".encode("gbk"))
    html = client.post(reverse("admin:incentives_policydocument_upload"), {"file": file}).content.decode()
    assert "文件不是 UTF-8 编码的文本" in html


def test_the_upload_is_for_staff_only(client, django_user_model):
    user = django_user_model.objects.create_user("someone", password="pw-for-tests-only")
    client.force_login(user)
    response = client.get(reverse("admin:incentives_policydocument_upload"))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
