"""python manage.py load_policy FILE... [--dry-run | --preview]: validate every file, then load them in one transaction.

--preview prints every incentive as the portal will show it (who, conditions, amount rule, citations, warnings)
and loads nothing."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incentives.policy_files.preview import preview_text
from incentives.services import (
    PolicyFilesInvalid,
    PolicyFileTooLarge,
    policy_file_read,
    policy_files_load,
    policy_files_preview,
)


class Command(BaseCommand):
    help = "校验并加载政策文件数据（YAML）；任一文件有误则全部不加载。"

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", help="fixtures/facts.yaml fixtures/policies/*.yaml")
        parser.add_argument("--dry-run", action="store_true", help="只校验，不写入数据库")
        parser.add_argument("--preview", action="store_true",
                            help="逐项显示平台将如何展示每个激励项目（条件、金额、引文、注意事项），不写入数据库")

    def handle(self, *args, files, dry_run, preview=False, **options):
        contents = []
        for name in files:
            path = Path(name)
            try:
                contents.append((name, policy_file_read(path)))
            except PolicyFileTooLarge as exc:
                raise CommandError(str(exc)) from None
            except FileNotFoundError:
                raise CommandError(f"{name}: 文件不存在") from None
            except UnicodeDecodeError:
                raise CommandError(f"{name}: 不是 UTF-8 编码的文本文件") from None
            except OSError as exc:
                raise CommandError(f"{name}: 无法读取（{exc.strerror}）") from None
        if preview:
            try:
                previews, facts_warnings = policy_files_preview(files=contents)
            except PolicyFilesInvalid as exc:
                for problem in exc.problems:
                    self.stderr.write(f"错误 {problem}")
                raise CommandError(f"{len(exc.problems)} 处错误，未加载任何文件。") from None
            for warning in facts_warnings:
                self.stdout.write(self.style.WARNING(f"注意 {warning}"))
            for item in previews:
                self.stdout.write(preview_text(item))
                self.stdout.write("")
            self.stdout.write(self.style.SUCCESS("预览完毕（--preview，未写入）。"))
            return
        try:
            outcomes = policy_files_load(files=contents, by="manage.py load_policy", dry_run=dry_run)
        except PolicyFilesInvalid as exc:
            for problem in exc.problems:
                self.stderr.write(f"错误 {problem}")
            raise CommandError(f"{len(exc.problems)} 处错误，未加载任何文件。") from None
        labels = {"created": "新建", "new_version": "新版本", "unchanged": "无变化", "facts": "事实项"}
        for outcome in outcomes:
            for warning in outcome.warnings:
                self.stdout.write(self.style.WARNING(f"注意 {warning}"))
            detail = "，".join(f"{name} {count}" for name, count in outcome.counts.items())
            version = f" 第{outcome.version}版" if outcome.version else ""
            self.stdout.write(f"{labels[outcome.result]}{version}：{outcome.file}（{detail}）")
        if dry_run:
            self.stdout.write(self.style.SUCCESS("校验通过（--dry-run，未写入）。"))
        else:
            self.stdout.write(self.style.SUCCESS(f"已加载 {len(outcomes)} 个文件。"))
