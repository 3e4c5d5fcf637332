"""python manage.py facts [--format json|text]: every fact the questionnaire can ask, with its type, unit and values."""
import json

from django.core.management.base import BaseCommand

from incentives.models import Fact


class Command(BaseCommand):
    help = "列出问卷的全部事实项。"

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, format, **options):
        facts = [
            {"key": f.key, "label": f.label, "label_en": f.label_en, "type": f.type, "unit": f.unit,
             "group": f.group, "choices": [c["value"] for c in f.choices],
             "choice_labels": {c["value"]: c["label"] for c in f.choices}, "help": f.help_text}
            for f in Fact.objects.order_by("position", "key")
        ]
        if format == "json":
            self.stdout.write(json.dumps(facts, ensure_ascii=False, indent=2))
            return
        for fact in facts:
            unit = f"（{fact['unit']}）" if fact["unit"] else ""
            values = f"：{'、'.join(fact['choices'])}" if fact["choices"] else ""
            self.stdout.write(f"{fact['key']:<50} {fact['type']:<8} {fact['label']}{unit}{values}")
