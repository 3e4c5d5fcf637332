"""load_policy: all or nothing, idempotent, and a changed file makes a new version."""
from __future__ import annotations

import copy
import io

import pytest
from django.core.management import CommandError, call_command

from incentives.models import Clause, Fact, Incentive, PolicyDocument, PolicyLoad
from tests.conftest import FIXTURES
from tests.incentives.test_policy_files import VALID, dump

pytestmark = pytest.mark.django_db


def write(tmp_path, name: str, data: dict) -> str:
    path = tmp_path / name
    path.write_text(dump(data), encoding="utf-8")
    return str(path)


def load(*files: str, dry_run: bool = False) -> str:
    out = io.StringIO()
    call_command("load_policy", *files, *(["--dry-run"] if dry_run else []), stdout=out, stderr=io.StringIO())
    return out.getvalue()


def counts() -> tuple[int, int, int, int]:
    return (PolicyDocument.objects.count(), Clause.objects.count(), Incentive.objects.count(), Fact.objects.count())


def test_a_valid_file_is_loaded_with_its_clauses_incentives_and_departments(tmp_path):
    output = load(str(FIXTURES / "facts.yaml"), write(tmp_path, "test.yaml", VALID))
    assert "新建 第1版" in output
    document = PolicyDocument.objects.get(key="test-doc")
    assert (document.version, document.is_current, document.region_name) == (1, True, "江门市")
    incentive = document.incentives.get(key="provincial")
    assert incentive.clause.number == "9"
    assert [d.name for d in incentive.departments.all()] == ["江门市工业和信息化局"]
    assert incentive.amount["caps"] == [{"value": "5000万元", "per": "project"}]
    assert str(incentive.window_to) == "2025-12-31"


def test_loading_the_same_file_twice_changes_nothing(tmp_path):
    files = [str(FIXTURES / "facts.yaml"), write(tmp_path, "test.yaml", VALID)]
    load(*files)
    before = counts()
    output = load(*files)
    assert "无变化" in output
    assert counts() == before
    assert PolicyDocument.objects.get(key="test-doc").version == 1


def test_a_changed_file_makes_a_new_version_and_the_old_one_is_kept(tmp_path):
    load(str(FIXTURES / "facts.yaml"), write(tmp_path, "test.yaml", VALID))
    old = PolicyDocument.objects.get(key="test-doc")
    old_incentive = old.incentives.get(key="municipal")

    revised = copy.deepcopy(VALID)
    revised["incentives"][1]["name"] = "市级技术改造奖励（修订）"
    output = load(write(tmp_path, "test.yaml", revised))

    assert "新版本 第2版" in output
    current = PolicyDocument.objects.get(key="test-doc", is_current=True)
    assert current.version == 2
    assert current.incentives.get(key="municipal").name == "市级技术改造奖励（修订）"
    old_incentive.refresh_from_db()
    assert old_incentive.name == "市级技改奖励" and old_incentive.document_id == old.pk
    old.refresh_from_db()
    assert old.is_current is False
    assert list(PolicyLoad.objects.order_by("loaded_at").values_list("result", flat=True)) == ["created", "new_version"]


def test_one_invalid_file_and_nothing_is_loaded(tmp_path):
    broken = copy.deepcopy(VALID)
    broken["incentives"][0]["amount"]["caps"][0]["value"] = "6000万元"
    good = copy.deepcopy(VALID)
    good["document"]["key"] = "another-doc"
    files = [str(FIXTURES / "facts.yaml"), write(tmp_path, "good.yaml", good), write(tmp_path, "broken.yaml", broken)]
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 处错误，未加载任何文件"):
        call_command("load_policy", *files, stdout=io.StringIO(), stderr=err)
    assert "broken.yaml: incentives[0].amount.caps[0].value: 金额或比例“6000万元”未出现在第9条的条文中" in err.getvalue()
    assert counts() == (0, 0, 0, 0)


def test_dry_run_checks_and_writes_nothing(tmp_path):
    output = load(str(FIXTURES / "facts.yaml"), write(tmp_path, "test.yaml", VALID), dry_run=True)
    assert "校验通过" in output and "新建 第1版" in output
    assert counts() == (0, 0, 0, 0)


def test_a_missing_file_is_reported_plainly():
    with pytest.raises(CommandError, match="nowhere.yaml: 文件不存在"):
        load("nowhere.yaml")


def test_a_file_that_is_not_utf8_is_reported_plainly(tmp_path):
    path = tmp_path / "gbk.yaml"
    path.write_bytes("format: 1\nkind: facts\nfacts: []\n# 中文".encode("gbk"))
    with pytest.raises(CommandError, match="不是 UTF-8 编码"):
        load(str(path))


def test_the_five_seed_documents_load(catalogue):
    assert sorted(catalogue.values_list("region", flat=True)) == sorted(
        p.name.split("-", 1)[1].removesuffix(".yaml") for p in (FIXTURES / "policies").glob("*.yaml"))
    for document in catalogue:
        assert document.clauses.exists()
