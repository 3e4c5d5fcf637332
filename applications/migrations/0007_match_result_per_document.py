"""Match results kept per enterprise and document, the eligible incentives and their amounts in one row, instead of a
row per eligible incentive: a first match of a province's profiles wrote millions of rows (three indexes and a
foreign-key check each); it now writes one per enterprise and document it finds something in.

What the enterprises were last told is carried over, so the next match notifies only what changes.
"""
import django.db.models.deletion
from django.db import migrations, models

OLD, NEW = "applications_matchpair", "applications_matchresult"


def carry_over(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {NEW} (enterprise_id, document_key, document_version, eligible, updated_at) "
                "SELECT enterprise_id, split_part(incentive_key, '/', 1), max(document_version), "
                "jsonb_object_agg(substr(incentive_key, strpos(incentive_key, '/') + 1), "
                "to_jsonb(amount::text)), max(updated_at) "
                f"FROM {OLD} WHERE status = 'eligible' GROUP BY enterprise_id, split_part(incentive_key, '/', 1)")
        return
    pair, result = apps.get_model("applications", "MatchPair"), apps.get_model("applications", "MatchResult")
    rows: dict[tuple[int, str], object] = {}
    for enterprise_id, key, amount, version, updated_at in (pair.objects.filter(status="eligible").order_by("pk")
                                                            .values_list("enterprise_id", "incentive_key", "amount",
                                                                         "document_version", "updated_at")
                                                            .iterator(10_000)):
        document_key, _, incentive_key = key.partition("/")
        row = rows.get((enterprise_id, document_key))
        if row is None:
            row = rows[(enterprise_id, document_key)] = result(
                enterprise_id=enterprise_id, document_key=document_key, document_version=version, eligible={},
                updated_at=updated_at)
        row.eligible[incentive_key] = None if amount is None else str(amount)
        row.document_version = max(row.document_version, version)
    result.objects.bulk_create(rows.values(), batch_size=2000)


def carry_back(apps, schema_editor):
    pair, result = apps.get_model("applications", "MatchPair"), apps.get_model("applications", "MatchResult")
    pair.objects.bulk_create(
        [pair(enterprise_id=row.enterprise_id, incentive_key=f"{row.document_key}/{key}", status="eligible",
              amount=amount, document_version=row.document_version)
         for row in result.objects.iterator(2000) for key, amount in row.eligible.items()], batch_size=2000)


class Migration(migrations.Migration):
    dependencies = [("applications", "0006_enterprise_answers_lz4")]

    operations = [
        migrations.RemoveConstraint(model_name="matchresult", name="match_result_unique"),
        migrations.RenameModel("MatchResult", "MatchPair"),
        migrations.AlterField(
            model_name="matchpair", name="enterprise",
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+",
                                    to="applications.enterprise")),
        migrations.CreateModel(
            name="MatchResult",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("document_key", models.CharField(max_length=100, verbose_name="政策文件")),
                ("document_version", models.PositiveIntegerField(verbose_name="文件版本")),
                ("eligible", models.JSONField(default=dict, help_text="激励项目编号 → 测算金额（万元，文本，精确到分；无金额为空）",
                                              verbose_name="符合的激励项目")),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="更新时间")),
                ("enterprise", models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE,
                                                 related_name="match_results", to="applications.enterprise",
                                                 verbose_name="企业")),
            ],
            options={
                "verbose_name": "政策匹配结果",
                "verbose_name_plural": "政策匹配结果",
                "constraints": [models.UniqueConstraint(fields=("enterprise", "document_key"),
                                                        name="match_result_unique")],
            },
        ),
        migrations.RunPython(carry_over, carry_back),
        migrations.DeleteModel("MatchPair"),
    ]
