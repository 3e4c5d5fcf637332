"""The public policy library, as a visitor reads it."""
from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import ClauseFactory, DepartmentFactory, IncentiveFactory, PolicyDocumentFactory

pytestmark = pytest.mark.django_db


def test_the_library_lists_every_loaded_document(client, catalogue):
    response = client.get(reverse("incentives:document_list"))
    assert response.status_code == 200
    html = response.content.decode()
    for document in catalogue:
        assert document.title in html
    assert f"共 {catalogue.count()} 份文件" in html


def test_search_finds_chinese_words_in_clause_text(client, catalogue):
    response = client.get(reverse("incentives:document_list"), {"q": "新设备购置额"})
    documents = list(response.context["documents"])
    assert "jiangmen-2023-manufacturing" in [d.key for d in documents]
    hits = response.context["hits"]
    jiangmen = next(d for d in documents if d.key == "jiangmen-2023-manufacturing")
    assert any("新设备购置额" in clause.text for clause in hits[jiangmen.pk])


def test_a_search_that_matches_nothing_says_so(client, catalogue):
    response = client.get(reverse("incentives:document_list"), {"q": "量子引力"})
    assert "没有符合条件的政策文件" in response.content.decode()


def test_filters_by_city_status_and_kind(client, catalogue):
    url = reverse("incentives:document_list")
    by_city = client.get(url, {"region": "jiangmen"}).context["documents"]
    assert [d.region for d in by_city] == ["jiangmen"]
    drafts = client.get(url, {"status": "draft"}).context["documents"]
    assert drafts and all(d.status == "draft" for d in drafts)
    subsidies = client.get(url, {"kind": "interest_subsidy"}).context["documents"]
    assert subsidies and all(d.incentives.filter(kind="interest_subsidy").exists() for d in subsidies)


def test_an_unknown_filter_value_is_ignored_not_an_error(client, catalogue):
    response = client.get(reverse("incentives:document_list"), {"region": "atlantis"})
    assert response.status_code == 200


def test_the_document_page_shows_its_clauses_in_order_with_their_incentives(client, catalogue):
    document = catalogue.get(key="jiangmen-2023-manufacturing")
    response = client.get(reverse("incentives:document_detail", args=[document.key]))
    html = response.content.decode()
    numbers = [clause.number for clause in document.clauses.order_by("position")]
    positions = [html.index(f'data-clause="{number}"') for number in numbers]
    assert positions == sorted(positions)
    for incentive in document.incentives.all():
        assert f'data-incentive="{incentive.key}"' in html
    assert "已过有效期" in html  # 江门's document ran until 2025-12-31


def test_the_incentive_page_says_who_qualifies_how_much_and_quotes_the_clause(client, catalogue):
    document = catalogue.get(key="jiangmen-2023-manufacturing")
    incentive = document.incentives.filter(amount__type="rate", amount__rate="20%").get()
    response = client.get(reverse("incentives:incentive_detail", args=[document.key, incentive.key]))
    html = response.content.decode()
    assert "单个项目最高5000万元" in html
    assert "20%" in html
    assert "<mark>" in html and "新设备购置额" in html
    assert "江门市" in html
    assert "市级技术改造政策奖励" in html  # the incentive it cannot be combined with, by name


def test_a_draft_document_is_marked_as_such(client, catalogue):
    document = catalogue.filter(status="draft").first()
    html = client.get(reverse("incentives:document_detail", args=[document.key])).content.decode()
    assert "征求意见稿" in html and "尚未正式施行" in html


def test_an_unknown_document_or_incentive_is_not_found(client, catalogue):
    assert client.get(reverse("incentives:document_detail", args=["nope"])).status_code == 404
    assert client.get(reverse("incentives:incentive_detail", args=["jiangmen-2023-manufacturing", "nope"])).status_code == 404


def test_an_old_version_stays_readable(client):
    old = PolicyDocumentFactory(key="doc", version=1, superseded=True, title="旧版标题")
    PolicyDocumentFactory(key="doc", version=2, title="新版标题")
    html = client.get(reverse("incentives:document_version", args=["doc", 1])).content.decode()
    assert old.title in html
    assert "新版标题" in client.get(reverse("incentives:document_detail", args=["doc"])).content.decode()


def _make_document(clauses: int, incentives_per_clause: int):
    department = DepartmentFactory()
    document = PolicyDocumentFactory()
    for _ in range(clauses):
        clause = ClauseFactory(document=document, departments=[department])
        for _ in range(incentives_per_clause):
            IncentiveFactory(clause=clause, departments=[department])
    return document


def _queries(client, django_assert_max_num_queries, url, limit):
    with django_assert_max_num_queries(limit):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("size", [1, 20])
def test_pages_take_a_bounded_number_of_queries_whatever_the_size(client, facts_loaded, size,
                                                                  django_assert_max_num_queries):
    documents = [_make_document(clauses=size, incentives_per_clause=2) for _ in range(size)]
    document = documents[0]
    incentive = document.incentives.first()
    # The same limits hold for 1 document of 1 clause and for 20 documents of 20 clauses each.
    _queries(client, django_assert_max_num_queries, reverse("incentives:home"), 2)
    _queries(client, django_assert_max_num_queries, reverse("incentives:document_list"), 4)
    _queries(client, django_assert_max_num_queries, reverse("incentives:document_list") + "?q=奖励", 5)
    _queries(client, django_assert_max_num_queries, reverse("incentives:document_detail", args=[document.key]), 7)
    _queries(client, django_assert_max_num_queries,
             reverse("incentives:incentive_detail", args=[document.key, incentive.key]), 5)
