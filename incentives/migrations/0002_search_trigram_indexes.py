"""Trigram indexes for the library's search on PostgreSQL; nothing on other databases.

The search looks for a term anywhere in titles, clause texts and incentive names (selectors.matching: LIKE,
or ILIKE for a term with Latin letters). Chinese has no spaces between words, so word-based full-text search
does not fit; pg_trgm indexes every three characters (CJK included, under a UTF-8 ctype; case-folded, so one
index serves LIKE and ILIKE) and answers '%term%' for terms of three characters or more. Elsewhere (SQLite,
the embedded default) the same search scans, which is fine at its size.
"""
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations

INDEXES = [
    ("incentives_clause_text_trgm", "incentives_clause", "text"),
    ("incentives_incentive_name_trgm", "incentives_incentive", "name"),
    ("incentives_policydocument_title_trgm", "incentives_policydocument", "title"),
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
        ("incentives", "0001_initial"),
    ]

    operations = [
        TrigramExtension(),
        migrations.RunPython(create, drop),
    ]
