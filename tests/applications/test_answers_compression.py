"""Enterprise answers are stored lz4-compressed on PostgreSQL, where the match reads them for every profile."""
from __future__ import annotations

import pytest
from django.db import connection

from applications.models import Enterprise
from tests.factories.applications import EnterpriseFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_a_profile_with_many_answers_is_stored_with_lz4_and_reads_back_unchanged():
    with connection.cursor() as cursor:
        cursor.execute("SELECT enumvals FROM pg_settings WHERE name = 'default_toast_compression'")
        if "lz4" not in (cursor.fetchone()[0] or []):
            pytest.skip("this PostgreSQL server is built without lz4")
    answers = {f"fact_{n}": f"回答{n}" * 20 for n in range(140)}  # large enough to be compressed
    enterprise = EnterpriseFactory(answers=answers)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_compression(answers) FROM applications_enterprise WHERE id = %s",
                       [enterprise.pk])
        assert cursor.fetchone()[0] == "lz4"
    assert Enterprise.objects.get(pk=enterprise.pk).answers == answers
