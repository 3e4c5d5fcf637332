"""The public policy library, as a visitor reads it."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from incentives.models import PolicyDocument
from incentives.selectors import clear_caches
from tests.conftest import FIXTURES, POLICY_FILES, load_revised_seed
from tests.factories import PolicyDocumentFactory

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
    assert any("新设备购置额" in clause.text for clause in hits[jiangmen.pk].clauses)


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


def _copies(directory: Path, count: int) -> list[str]:
    """facts.yaml with a city for each copy, and `count` copies of the seed files as other cities' documents."""
    facts = yaml.safe_load((FIXTURES / "facts.yaml").read_text(encoding="utf-8"))
    city = next(fact for fact in facts["facts"] if fact["key"] == "city")
    paths = []
    for n in range(count):
        data = yaml.safe_load(POLICY_FILES[n % len(POLICY_FILES)].read_text(encoding="utf-8"))
        document = data["document"]
        region = f"{document['region']}-{n}"
        city["choices"].append({"value": region, "label": f"{region}市"})
        document.update(key=f"{document['key']}-{n}", region=region, title=f"{document['title']}（{n}）")
        data["departments"] = []
        path = directory / f"copy-{n}.yaml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        paths.append(str(path))
    (directory / "facts.yaml").write_text(yaml.safe_dump(facts, allow_unicode=True), encoding="utf-8")
    return [str(directory / "facts.yaml"), *paths]


def _questionnaire(client) -> None:
    session = client.session
    session["questionnaire"] = {"answers": {"city": "jiangmen", "is_manufacturing": True,
                                            "project_equipment_investment": "3000"},
                                "asked": ["city", "is_manufacturing"], "steps": [["city"], ["is_manufacturing"]],
                                "current": []}
    session.save()
    client.get(reverse("incentives:check_step"))   # the step remembers the questions it shows, once
    cache.clear()
    clear_caches()


def _query_counts(client) -> dict[str, tuple[int, int]]:
    """Queries of each page, the first time (nothing cached) and the second."""
    jiangmen = "jiangmen-2023-manufacturing"
    pages = {
        "home": reverse("incentives:home"),
        "library": reverse("incentives:document_list"),
        "library page 2": reverse("incentives:document_list") + "?page=2",
        "search": reverse("incentives:document_list") + "?q=技术改造",
        "search of two words": reverse("incentives:document_list") + "?q=江门+技术改造",
        "filters": reverse("incentives:document_list") + "?kind=tiered&department=jiangmen-gxj&status=expired",
        "topic and amount": reverse("incentives:document_list") + "?topic=other&amount_min=100&amount_max=5000&q=奖励",
        "open round": reverse("incentives:document_list") + "?open=on&q=技术改造",
        "document": reverse("incentives:document_detail", args=[jiangmen]),
        "incentive": reverse("incentives:incentive_detail", args=[jiangmen, "tech-renovation-provincial"]),
        "step": reverse("incentives:check_step"),
        "results": reverse("incentives:check_results"),
        "compare": reverse("incentives:check_compare") + "?project_equipment_investment=3000&is_manufacturing=on",
    }
    cache.clear()      # both measurements start cold: what is kept per document version is read again
    clear_caches()
    counts = {}
    for name, url in pages.items():
        measured = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            assert response.status_code == 200, (name, response.status_code)
            # a statement is prepared once per database connection (PostgreSQL), whichever test or page runs first
            measured.append(sum(1 for query in queries.captured_queries if not query["sql"].startswith("PREPARE ")))
        counts[name] = tuple(measured)
    return counts


def test_every_page_takes_the_same_number_of_queries_as_the_catalogue_grows(client, catalogue, tmp_path):
    _questionnaire(client)
    small = _query_counts(client)
    call_command("load_policy", *_copies(tmp_path, 25), stdout=open("/dev/null", "w"))
    assert PolicyDocument.objects.current().count() == 30
    large = _query_counts(client)
    assert large == small
    # and few: once pages are kept, the library reads only the visitor's session and the catalogue's state;
    # the questionnaire's pages read the city's documents besides (their rules are kept)
    assert all(again <= first for first, again in small.values())
    for page in ("home", "library", "search", "search of two words", "filters", "topic and amount", "document",
                 "incentive"):
        assert small[page][1] == 2, page
    assert small["open round"][1] == 3   # and which rounds are open now
    assert small["step"][1] == 2   # the current documents are kept under the catalogue's state
    assert small["compare"][1] == 2   # the current documents are kept under the catalogue's state
    assert small["results"][1] == 3  # and the open rounds of the results' incentives (立即申报)
    assert max(first for first, _ in small.values()) <= 10


def test_the_library_is_paginated_and_keeps_the_filters_in_its_links(client, catalogue, tmp_path):
    call_command("load_policy", *_copies(tmp_path, 25), stdout=open("/dev/null", "w"))
    url = reverse("incentives:document_list")
    html = client.get(url, {"q": "制造业"}).content.decode()
    total = 30   # every document speaks of 制造业
    assert f"共 {total} 份文件，第 1/2 页" in html
    assert html.count('class="card"') == 20
    assert "?q=%E5%88%B6%E9%80%A0%E4%B8%9A&amp;page=2" in html
    second = client.get(url, {"q": "制造业", "page": 2}).content.decode()
    assert second.count('class="card"') == total - 20
    assert client.get(url, {"page": 99}).status_code == 200   # past the end: the last page


def test_a_new_version_is_shown_at_once_though_pages_are_kept(client, catalogue, tmp_path):
    url = reverse("incentives:document_detail", args=["jiangmen-2023-manufacturing"])
    assert "关于促进制造业高质量发展的若干措施" in client.get(url).content.decode()
    load_revised_seed(tmp_path, "jiangmen",
                      lambda data: data["document"].update(title="关于促进制造业高质量发展的若干措施（修订）"))
    assert "（修订）" in client.get(url).content.decode()
    assert "（修订）" in client.get(reverse("incentives:document_list")).content.decode()


def test_the_home_page_leads_to_the_check_first(client, catalogue):
    html = client.get(reverse("incentives:home")).content.decode()
    assert f'id="start-check" href="{reverse("incentives:check_start")}">我能享受哪些政策？' in html
    assert reverse("applying:round_list") in html
