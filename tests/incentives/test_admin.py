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


def test_a_department_named_by_a_loaded_version_cannot_be_deleted_or_changed(client, administrator, catalogue):
    from incentives.models import Department

    client.force_login(administrator)
    department = Department.objects.filter(incentives__isnull=False).distinct().first()
    links = (department.clauses.count(), department.incentives.count())
    delete_url = reverse("admin:incentives_department_delete", args=[department.pk])
    assert client.get(delete_url).status_code == 403
    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    change_url = reverse("admin:incentives_department_change", args=[department.pk])
    assert client.post(change_url, {"name": "改掉的名字", "short_name": "", "region": ""}).status_code == 403
    response = client.post(reverse("admin:incentives_department_changelist"),
                           {"action": "delete_selected", "_selected_action": [department.pk], "post": "yes"})
    assert "已加载的政策文件引用了该部门" in response.content.decode()
    department.refresh_from_db()
    assert department.name != "改掉的名字"
    assert (department.clauses.count(), department.incentives.count()) == links


def test_a_department_no_version_names_can_still_be_deleted(client, administrator, catalogue):
    from incentives.models import Department

    client.force_login(administrator)
    spare = Department.objects.create(key="spare-office", name="备用办公室")
    response = client.post(reverse("admin:incentives_department_delete", args=[spare.pk]), {"post": "yes"})
    assert response.status_code == 302
    assert not Department.objects.filter(pk=spare.pk).exists()


@pytest.mark.parametrize("name", ["policydocument", "clause", "incentive", "fact", "policyload"])
def test_loaded_data_is_immutable_in_every_admin_path(client, administrator, catalogue, name):
    from django.apps import apps

    model = apps.get_model("incentives", name)
    client.force_login(administrator)
    obj = model.objects.first()
    before = model.objects.count()
    assert client.get(reverse(f"admin:incentives_{name}_delete", args=[obj.pk])).status_code == 403
    assert client.post(reverse(f"admin:incentives_{name}_delete", args=[obj.pk]), {"post": "yes"}).status_code == 403
    assert client.post(reverse(f"admin:incentives_{name}_change", args=[obj.pk]), {}).status_code == 403
    assert client.get(reverse(f"admin:incentives_{name}_add")).status_code == 403
    changelist = reverse(f"admin:incentives_{name}_changelist")
    assert "delete_selected" not in client.get(changelist).content.decode()
    client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert model.objects.count() == before and model.objects.filter(pk=obj.pk).exists()
