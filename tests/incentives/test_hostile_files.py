"""Hostile policy files, by the admin upload and by load_policy: refused in Chinese, naming file and place, nothing written."""
from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from incentives.models import Clause, Department, Fact, Incentive, PolicyDocument, PolicyLoad
from incentives.policy_files import read_files
from incentives.policy_files.yamlio import MAX_DEPTH, MAX_NODES
from tests.conftest import FIXTURES
from tests.incentives.test_policy_files import FACTS, VALID, dump

VALID_TEXT = dump(VALID)
ALIAS_BOMB = "lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]\n" for i in range(1, 10))


def with_title(title_literal: str) -> str:
    """The valid file with its title written as the given YAML literal."""
    assert "title: 测试措施\n" in VALID_TEXT
    return VALID_TEXT.replace("title: 测试措施\n", f"title: {title_literal}\n", 1)


HOSTILE = {
    # name: (file text, what the message must say, where it must point)
    "alias-bomb": (VALID_TEXT + ALIAS_BOMB, f"展开别名后超过 {MAX_NODES:,} 项", "行"),
    "self-alias": (VALID_TEXT + "loop: &me [1, *me]\n", "循环引用", "行"),
    "list-as-key": (VALID_TEXT + "? [a, b]\n: 1\n", "键只能是文字", "行"),
    "nested-500": (VALID_TEXT + "deep: " + "[" * 500 + "]" * 500 + "\n", f"嵌套过深（超过 {MAX_DEPTH} 层）", "行"),
    "lone-surrogate": (with_title('"\\ud800"'), "不成对的代理字符（U+D800）", "document.title"),
    "nul-escape": (with_title('"测试\\0措施"'), "不允许的控制字符（U+0000）", "document.title"),
    "nul-byte": (with_title("测试\x00措施"), "不允许的控制字符（U+0000）", "第 "),
    "number-key": (VALID_TEXT + "2024: x\n", "键“2024”应为文字", "顶层"),
    "huge-integer": (VALID_TEXT + "big: " + "9" * 5000 + "\n", "超长的数字", ""),
}


def test_the_alias_bomb_is_about_a_kilobyte():
    assert len(ALIAS_BOMB.encode()) < 1100


@pytest.mark.parametrize("name", HOSTILE)
def test_the_reader_refuses_each_hostile_file_with_its_place(name):
    text, message, place = HOSTILE[name]
    reports = read_files([("fixtures/facts.yaml", FACTS), ("hostile.yaml", text)])
    problems = [str(problem) for report in reports for problem in report.problems]
    assert len(problems) == 1, problems
    assert problems[0].startswith("hostile.yaml: ")
    assert message in problems[0] and place in problems[0]


def test_the_seed_files_anchors_and_aliases_are_still_read():
    text = (FIXTURES / "policies" / "003-shenzhen.yaml").read_text(encoding="utf-8")
    assert "&id001" in text and "*id001" in text
    reports = read_files([("fixtures/facts.yaml", FACTS), ("003-shenzhen.yaml", text)])
    assert all(report.ok for report in reports), [str(p) for r in reports for p in r.problems]


def snapshot() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (PolicyDocument, Clause, Incentive, Department, Fact, PolicyLoad))


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE)
def test_load_policy_refuses_each_hostile_file_and_writes_nothing(name, tmp_path, facts_loaded):
    text, message, place = HOSTILE[name]
    path = tmp_path / "hostile.yaml"
    path.write_text(text, encoding="utf-8")
    before = snapshot()
    err = io.StringIO()
    with pytest.raises(CommandError, match="未加载任何文件"):
        call_command("load_policy", str(path), stdout=io.StringIO(), stderr=err)
    assert f"{path}: " in err.getvalue() and message in err.getvalue() and place in err.getvalue()
    assert snapshot() == before
    # the process is unharmed: a good file loads right after
    path.write_text(VALID_TEXT, encoding="utf-8")
    call_command("load_policy", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert PolicyDocument.objects.filter(key="test-doc").exists()


def upload(client, name: str, content: bytes):
    file = SimpleUploadedFile(name, content, content_type="application/x-yaml")
    return client.post(reverse("admin:incentives_policydocument_upload"), {"file": file})


@pytest.mark.django_db
@pytest.mark.parametrize("name", HOSTILE)
def test_the_admin_upload_refuses_each_hostile_file_and_writes_nothing(name, client, administrator, facts_loaded):
    text, message, place = HOSTILE[name]
    client.force_login(administrator)
    before = snapshot()
    response = upload(client, "hostile.yaml", text.encode("utf-8", "surrogatepass"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "文件未通过校验，未加载任何内容" in html
    assert "<li>hostile.yaml" in html and message in html
    assert snapshot() == before


@pytest.mark.django_db
def test_a_surrogate_written_into_the_bytes_is_not_utf8(client, administrator, facts_loaded):
    client.force_login(administrator)
    html = upload(client, "hostile.yaml", with_title("测试\ud800").encode("utf-8", "surrogatepass")).content.decode()
    assert "文件不是 UTF-8 编码的文本" in html
    assert not PolicyDocument.objects.exists()


@pytest.mark.django_db
def test_load_policy_has_the_uploads_size_limit(tmp_path, settings, facts_loaded):
    settings.POLICY_FILE_MAX_BYTES = 1024
    path = tmp_path / "big.yaml"
    path.write_text(VALID_TEXT.replace("测试措施\n\n", "测试措施\n\n" + "很长的全文。" * 200 + "\n\n", 1), encoding="utf-8")
    assert path.stat().st_size > 1024
    with pytest.raises(CommandError, match=r"big\.yaml: 文件过大（上限 0\.0 MB）|big\.yaml: 文件过大"):
        call_command("load_policy", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert not PolicyDocument.objects.exists()


@pytest.mark.django_db
def test_the_upload_limit_comes_from_the_same_setting(client, administrator, settings, facts_loaded):
    settings.POLICY_FILE_MAX_BYTES = 1024 * 1024
    client.force_login(administrator)
    html = upload(client, "big.yaml", b"a: " + b"x" * (1024 * 1024) + b"\n").content.decode()
    assert "文件过大（上限 1 MB）" in html
    assert not PolicyDocument.objects.exists()


@pytest.mark.django_db
def test_the_service_refuses_an_oversized_text_whoever_calls_it(settings, facts_loaded):
    from incentives.services import PolicyFilesInvalid, policy_files_load

    settings.POLICY_FILE_MAX_BYTES = 1024
    with pytest.raises(PolicyFilesInvalid) as caught:
        policy_files_load(files=[("big.yaml", "x" * 2048)])
    assert "big.yaml" in str(caught.value) and "文件过大" in str(caught.value)
