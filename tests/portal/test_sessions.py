"""The session engine: Django's database sessions, read with one plain query."""
from __future__ import annotations

import datetime as dt

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.sessions import SessionStore

pytestmark = pytest.mark.django_db


def test_the_portal_uses_its_engine():
    assert settings.SESSION_ENGINE == "portal.sessions"


def test_a_saved_session_reads_back_in_one_query():
    saved = SessionStore()
    saved["city"] = "jiangmen"
    saved["answers"] = {"is_manufacturing": True}
    saved.save()
    read = SessionStore(saved.session_key)
    with CaptureQueriesContext(connection) as queries:
        assert read["city"] == "jiangmen" and read["answers"] == {"is_manufacturing": True}
    assert len(queries) == 1
    assert read.session_key == saved.session_key


def test_an_expired_or_unknown_session_is_empty_and_forgets_its_key():
    saved = SessionStore()
    saved["city"] = "jiangmen"
    saved.save()
    Session.objects.filter(session_key=saved.session_key).update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    for key in (saved.session_key, "x" * 32):
        read = SessionStore(key)
        assert read.get("city") is None
        assert read.session_key is None   # a new key on the next save, as Django's engine does


def test_an_invalid_key_reads_nothing():
    read = SessionStore("short")
    with CaptureQueriesContext(connection) as queries:
        assert read.load() == {}
    assert len(queries) == 0


def test_a_visitors_answers_survive_from_page_to_page(client, catalogue):
    response = client.get("/check/")
    assert response.status_code == 200
    session = client.session
    session["probe"] = "kept"
    session.save()
    assert client.get("/check/").wsgi_request.session["probe"] == "kept"
