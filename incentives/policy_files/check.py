"""Check policy fixture files from the shell, without a database: python -m incentives.policy_files.check FILE..."""
from __future__ import annotations

import sys
from pathlib import Path

from .preview import preview_report, preview_text
from .reader import read_files


def main(argv: list[str]) -> int:
    show = "--preview" in argv
    argv = [arg for arg in argv if arg != "--preview"]
    if not argv:
        print("用法：python -m incentives.policy_files.check [--preview] fixtures/facts.yaml fixtures/policies/*.yaml", file=sys.stderr)
        return 2
    files = []
    for name in argv:
        try:
            files.append((name, Path(name).read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            print(f"{name}: 无法读取（{exc}）", file=sys.stderr)
            return 1
    failed = False
    reports = read_files(files)
    specs = {}
    for report in reports:
        specs.update(report.specs)
    for report in reports:
        for warning in report.warnings:
            print(f"注意 {warning}")
        for problem in report.problems:
            print(f"错误 {problem}")
        if report.ok:
            data = report.data
            extra = f"，{len(data.clauses)} 条条款，{len(data.incentives)} 个激励项目" if hasattr(data, "clauses") else ""
            print(f"通过 {report.file}{extra}")
            preview = preview_report(report, specs) if show else None
            if preview is not None:
                print(preview_text(preview))
        failed = failed or not report.ok
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
