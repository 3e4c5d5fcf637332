"""The match results kept per enterprise and document: what enterprises were told under the earlier layout (a row
per incentive) is carried over, so the next match after the upgrade notifies only what changes."""
from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("applications", "0006_enterprise_answers_lz4")]
AFTER = [("applications", "0007_match_result_per_document")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def test_results_of_the_earlier_layout_are_carried_over_per_document():
    apps = migrate(BEFORE)
    try:
        enterprise = apps.get_model("applications", "Enterprise").objects.create(
            name="迁移企业", credit_code="91440700MA0000001X", city="jiangmen", answers={"city": "jiangmen"})
        pair = apps.get_model("applications", "MatchResult")
        pair.objects.bulk_create([
            pair(enterprise=enterprise, incentive_key="jiangmen-2023-manufacturing/tech-renovation", status="eligible",
                 amount=Decimal("600.00"), document_version=2),
            pair(enterprise=enterprise, incentive_key="jiangmen-2023-manufacturing/above-scale", status="eligible",
                 amount=None, document_version=2),
            pair(enterprise=enterprise, incentive_key="shaoguan-2020-manufacturing/little-giant", status="eligible",
                 amount=Decimal("100.50"), document_version=1),
        ])
        apps = migrate(AFTER)
        told = {row.document_key: row for row in apps.get_model("applications", "MatchResult").objects.all()}
        assert set(told) == {"jiangmen-2023-manufacturing", "shaoguan-2020-manufacturing"}
        assert told["jiangmen-2023-manufacturing"].eligible == {"tech-renovation": "600.00", "above-scale": None}
        assert told["jiangmen-2023-manufacturing"].document_version == 2
        assert told["shaoguan-2020-manufacturing"].eligible == {"little-giant": "100.50"}
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
