"""python manage.py eligibility --answers FILE.json [--format json|text]: evaluate one enterprise against every incentive."""
import datetime as dt
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from incentives.eligibility import check_answers, evaluate_enterprise, result_json
from incentives.rules.combine import best_by_region
from incentives.rules.figures import format_money
from incentives.rules.text import clause_label

STATUS_TEXT = {"eligible": "符合", "not_eligible": "不符合", "unknown": "待确认"}


class Command(BaseCommand):
    help = "按一家企业的回答（JSON：事实项 → 值）评估全部已加载的激励项目。"

    def add_arguments(self, parser):
        parser.add_argument("--answers", required=True, help="JSON 文件，如 {\"city\": \"jiangmen\", ...}")
        parser.add_argument("--format", choices=["json", "text"], default="json")
        parser.add_argument("--on", help="按哪一天判断（YYYY-MM-DD，默认今天）")
        parser.add_argument("--all-regions", action="store_true", help="不限城市（用于跨城市比较）")

    def handle(self, *args, answers, format, on, all_regions, **options):
        try:
            raw = json.loads(Path(answers).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise CommandError(f"{answers}: 文件不存在") from None
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CommandError(f"{answers}: 不是有效的 UTF-8 JSON（{exc}）") from None
        if not isinstance(raw, dict):
            raise CommandError(f"{answers}: 应为一个 JSON 对象（事实项 → 值）")
        facts, errors = check_answers(raw)
        if errors:
            for error in errors:
                self.stderr.write(f"错误 {error.fact}: {error.message}")
            raise CommandError(f"{len(errors)} 处回答有误，未评估。")
        try:
            day = dt.date.fromisoformat(on) if on else None
        except ValueError:
            raise CommandError(f"--on {on}: 应为日期，如 2024-06-30") from None
        evaluation = evaluate_enterprise(facts, on=day, ignore_region=all_regions)
        rows = [result_json(result, evaluation.incentives[result.key]) for result in evaluation.results]
        if format == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        for row in rows:
            amount = ""
            if row["amount"] is not None:
                amount = f"  {'最高' if row['amount_is_maximum'] else ''}{row['amount']}万元"
            self.stdout.write(f"[{STATUS_TEXT[row['status']]}] {row['incentive']}（{clause_label(row['clause'])}）{row['name']}{amount}")
            for reason in row["reasons"]:
                self.stdout.write(f"    {reason}")
            if row["missing"]:
                self.stdout.write(f"    尚需回答：{', '.join(row['missing'])}")
        if all_regions:
            # one project cannot be funded twice across cities: a best total per city, never one sum of all
            for region, combination in best_by_region(evaluation.results, evaluation.rules).items():
                name = next((i.document.region_name for i in evaluation.incentives.values() if i.document.region == region),
                            region)
                self.stdout.write(f"{name}：按条文测算可同时享受的最优合计 {'最高' if combination.total_is_maximum else ''}"
                                  f"{format_money(combination.total)}万元（{len(combination.selected)} 项）")
            self.stdout.write("各城市的合计不能相加：同一项目不能在两个城市重复获得资助。")
            return
        combination = evaluation.combination
        self.stdout.write(f"可同时享受的最优合计：{'最高' if combination.total_is_maximum else ''}"
                          f"{format_money(combination.total)}万元（{len(combination.selected)} 项）")
