"""Trigram indexes for the words the library's search also looks for in incentive summaries (PostgreSQL only).

A search of several words asks, for each word, whether it is in a document's title, city or issuer, a clause's
text, or an incentive's name or summary (selectors.matching); 0002 indexed titles, clause texts and names.
Cities and issuers are short columns of a small table and need none.
"""
from django.db import migrations

INDEXES = [
    ("incentives_incentive_summary_trgm", "incentives_incentive", "summary"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, table, column in INDEXES:
        schema_editor.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" USING gin ("{column}" gin_trgm_ops)')


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, _table, _column in INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):

    dependencies = [
        ("incentives", "0004_incentive_topic"),
    ]

    operations = [
        migrations.RunPython(create, drop),
    ]
