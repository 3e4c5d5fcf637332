"""How many questions a typical enterprise answers, per city and profile, before the questionnaire is done.

    .venv/bin/python bench/bench_questions.py [--cities shaoguan jiangmen] [--verbose]

Each profile ticks its topics on the topics page and answers the steps through the views themselves (Django's test
client: the same session state, planning and forms as a visitor's), answering what the profile knows and leaving
the rest blank ("不清楚"), until the questionnaire has nothing left to ask for the chosen topics (no question left
decides an amount). It prints, per city and profile, the number of questions asked, the best totals the results page
then shows (documents in force, and as written), and how many more questions the results page's "回答其余问题" asks
(those deciding only support whose text names no amount). A throwaway SQLite database (or BENCH_DATABASE_URL) is migrated and loaded with the seed files.
See bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CITIES = ["heyuan", "zhumadian", "shaoguan", "shenzhen", "jiangmen"]

# What each enterprise knows of itself. A yes-or-no question about the enterprise (a title, a project of a kind,
# a platform it built) it answers 否 unless its profile says 是; a figure or a choice it does not know it leaves
# blank (不清楚).
PROFILES: dict[str, dict] = {
    "技改项目＋小巨人": {
        "topics": ["investment", "titles"],
        "knows": {"is_manufacturing": "true", "is_industrial": "true", "above_designated_size": "true",
                  "enterprise_size": "medium", "project_is_tech_renovation": "true",
                  "project_equipment_investment": "3000", "project_fixed_asset_investment": "3500",
                  "project_total_investment": "4000", "project_completed": "true",
                  "project_provincial_tech_renovation": "false", "title_national_little_giant": "true",
                  "title_provincial_specialized": "true",
                  "holds_national_little_giant": "true", "holds_provincial_specialized": "true",
                  "shaoguan_specialized_sme_holder": "true"},
    },
    "新上规企业": {
        "topics": ["growth"],
        "knows": {"is_manufacturing": "true", "is_industrial": "true", "above_designated_size": "true",
                  "newly_above_designated_size": "true", "enterprise_size": "small", "annual_output": "2500"},
    },
    "高新技术企业＋研发投入": {
        "topics": ["innovation"],
        "knows": {"is_manufacturing": "true", "is_industrial": "true", "above_designated_size": "true",
                  "enterprise_size": "small", "title_high_tech_enterprise": "true", "rd_expense": "800",
                  "shaoguan_rd_expense_increased": "true"},
    },
    "有银行贷款": {
        "topics": ["finance"],
        "knows": {"is_manufacturing": "true", "is_industrial": "true", "above_designated_size": "true",
                  "enterprise_size": "small", "has_bank_credit_loan": "true", "project_loan_interest_paid": "60"},
    },
}


def setup_django(database_url: str | None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings.test")
    os.environ.setdefault("PORTAL_SKIP_E2E", "1")
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp(prefix='bench-questions-')}/db.sqlite3"
    import django

    django.setup()
    from django.core.management import call_command
    from django.test.utils import setup_test_environment

    setup_test_environment()   # the test client's host and the in-memory email, as in the tests
    call_command("migrate", verbosity=0)
    from incentives.models import PolicyDocument

    if not PolicyDocument.objects.exists():
        files = [str(ROOT / "fixtures" / "facts.yaml")] + sorted(str(p) for p in (ROOT / "fixtures/policies").glob("*.yaml"))
        call_command("load_policy", *files, stdout=open(os.devnull, "w"))


def answer(key: str, profile: dict) -> str:
    """The profile's answer to one question: what it knows, 否 to a yes-or-no question about what it lacks,
    else blank (不清楚)."""
    from incentives.models import Fact
    from incentives.selectors import facts_by_key

    if key in profile["knows"]:
        return profile["knows"][key]
    fact = facts_by_key({key}).get(key)
    return "false" if fact is not None and fact.type == Fact.Type.BOOL else ""


def run_profile(client, city: str, profile: dict, *, limit: int = 60) -> dict:
    """Walk the questionnaire through its views; the questions asked and the totals of the results page."""
    from django.urls import reverse

    client.post(reverse("incentives:check_start"), {"city": city})
    topics_page = client.get(reverse("incentives:check_topics") + "?as_written=1")
    offered = [value for value, _label in topics_page.context["form"].fields["topics"].choices]
    topics = [t for t in profile["topics"] if t in offered]
    if not topics:
        return {"asked": [], "steps": 0, "topics": [], "total": None, "as_written": None, "unstated": []}
    client.post(reverse("incentives:check_topics"), {"topics": topics})
    asked: list[str] = []
    steps = 0
    for _ in range(limit):
        response = client.get(reverse("incentives:check_step"))
        if response.status_code == 302:
            break
        fields = list(response.context["form"].fields)
        asked.extend(fields)
        steps += 1
        client.post(reverse("incentives:check_step"), {key: answer(key, profile) for key in fields})
    results = client.get(reverse("incentives:check_results")).context
    outcome = {"asked": asked, "steps": steps, "topics": topics, "total": results["combination"].total,
               "as_written": results["combination_as_written"].total}
    # then the questions that only decide support without a stated amount, which the results page offers
    unstated: list[str] = []
    step = reverse("incentives:check_step") + "?unstated=1"
    for _ in range(limit):
        response = client.get(step)
        if response.status_code == 302:
            break
        fields = list(response.context["form"].fields)
        unstated.extend(fields)
        client.post(step, {key: answer(key, profile) for key in fields})
    return {**outcome, "unstated": unstated}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cities", nargs="*", default=CITIES)
    parser.add_argument("--verbose", action="store_true", help="print the questions asked")
    args = parser.parse_args()
    setup_django(os.environ.get("BENCH_DATABASE_URL"))
    from django.test import Client

    from incentives.rules.figures import format_money

    print(f"{'city':<10} {'profile':<14} {'topics':<20} {'questions':>9} {'steps':>5} {'best in force':>13} {'as written':>10}"
          f" {'+ without a figure':>18}")
    for city in args.cities:
        for name, profile in PROFILES.items():
            outcome = run_profile(Client(), city, profile)
            total = "—" if outcome["total"] is None else format_money(outcome["total"]) + "万元"
            written = "—" if outcome["as_written"] is None else format_money(outcome["as_written"]) + "万元"
            print(f"{city:<10} {name:<14} {','.join(outcome['topics']) or '(none offered)':<20} "
                  f"{len(outcome['asked']):>9} {outcome['steps']:>5} {total:>13} {written:>10} {len(outcome['unstated']):>18}")
            if args.verbose:
                print("    " + ", ".join(f"{k}={answer(k, profile) or '?'}" for k in outcome["asked"]))
                if outcome["unstated"]:
                    print("    + " + ", ".join(f"{k}={answer(k, profile) or '?'}" for k in outcome["unstated"]))


if __name__ == "__main__":
    main()
