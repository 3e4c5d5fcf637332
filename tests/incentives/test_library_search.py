"""The library's search and filters, as a visitor uses them, and the pages kept for visitors."""
from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.middleware.csrf import _unmask_cipher_token
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from incentives.models import Incentive
from tests.conftest import load_revised_seed
from tests.factories import ClauseFactory, IncentiveFactory, PolicyDocumentFactory, UserFactory
from tests.factories.review import RoundFactory

pytestmark = pytest.mark.django_db

URL = reverse("incentives:document_list")
JIANGMEN = "jiangmen-2023-manufacturing"


def _keys(response) -> list[str]:
    return re.findall(r'data-document="([^"]+)"', response.content.decode())


def _incentive_hits(response, document: str) -> list[str]:
    html = response.content.decode()
    card = html[html.index(f'data-document="{document}"'):]
    card = card[:card.index('data-document="', 1)] if 'data-document="' in card[1:] else card
    return re.findall(r'data-hit-incentive="([^"]+)"', card)


def _document(title: str, *, region: str = "jiangmen", region_name: str = "江门市", clause: str = "",
              **incentive) -> Incentive:
    document = PolicyDocumentFactory(title=title, region=region, region_name=region_name,
                                     issuer=f"{region_name}人民政府")
    return IncentiveFactory(clause=ClauseFactory(document=document, text=clause or "对符合条件的企业给予奖励。"),
                            **incentive)


# ---------------------------------------------------------------- search

@pytest.mark.parametrize("q", ["江门 技术改造", "技术改造 江门", "  技术改造　江门  "])
def test_several_words_in_any_order_find_jiangmens_technical_renovation_incentives(client, catalogue, q):
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    assert _keys(response) == [JIANGMEN]     # 江门 is in no other city's document
    hits = _incentive_hits(response, JIANGMEN)
    assert hits[:2] == ["tech-renovation-provincial", "tech-renovation-municipal"]
    names = dict(Incentive.objects.filter(document__key=JIANGMEN).values_list("key", "name"))
    assert all("技术改造" in names[key] for key in hits[:2])
    assert "第9条" in response.content.decode()   # the clause in which both words are


def test_only_incentives_that_speak_of_the_words_are_listed_under_a_document(client, db):
    named = _document("关于制造业高质量发展的措施", name="技术改造奖励", clause="对技术改造项目给予奖励。")
    other = IncentiveFactory(clause=ClauseFactory(document=named.document, text="对新认定的企业给予奖励。"),
                             name="高新技术企业奖励", summary="对新认定的高新技术企业给予奖励。")
    response = client.get(URL, {"q": "制造业 技术改造"})
    assert _incentive_hits(response, named.document.key) == [named.key]   # 制造业 is the title's, not other's
    assert other.key not in _incentive_hits(client.get(URL, {"q": "制造业"}), named.document.key)


@pytest.mark.parametrize("q, expected", [
    ("江门 技术改造", ["jiangmen-2023-manufacturing"]),
    ("韶关 人才", ["shaoguan-2020-manufacturing"]),
    ("绿色 工厂", ["zhumadian-industry-draft", "heyuan-manufacturing-draft", "jiangmen-2023-manufacturing"]),
    ("首台 套", ["heyuan-manufacturing-draft", "jiangmen-2023-manufacturing", "shenzhen-manufacturing-draft"]),
])
def test_the_seed_catalogue_gives_the_same_ranked_results_on_sqlite_and_postgresql(client, catalogue, q, expected):
    # the same expectations hold on both databases (CI runs this file on PostgreSQL as well)
    assert _keys(client.get(URL, {"q": q})) == expected


def test_every_word_must_be_found(client, catalogue):
    assert _keys(client.get(URL, {"q": "技术改造 量子引力"})) == []
    assert "没有符合条件的政策文件" in client.get(URL, {"q": "技术改造 量子引力"}).content.decode()


def test_a_title_or_name_hit_ranks_above_a_clause_text_only_hit(client, db):
    # alphabetically (by city, then title) the clause-only document would come first
    clause_only = _document("关于加快工业经济发展的意见", region="aaa", region_name="甲市",
                            clause="支持企业开展数字化转型，给予奖励。")
    in_title = _document("关于推进数字化转型的若干措施", region="zzz", region_name="乙市")
    by_name = _document("关于促进制造业发展的若干措施", region="mmm", region_name="丙市", name="数字化转型奖励")
    keys = _keys(client.get(URL, {"q": "数字化转型"}))
    assert set(keys[:2]) == {in_title.document.key, by_name.document.key}
    assert keys[2] == clause_only.document.key


def test_more_words_found_in_names_rank_higher(client, db):
    one = _document("关于促进制造业发展的若干措施", region="aaa", region_name="甲市", name="绿色工厂奖励",
                    clause="对获评绿色工厂、开展技术改造的企业给予奖励。")
    both = _document("关于推动制造业高质量发展的措施", region="zzz", region_name="乙市", name="绿色工厂技术改造奖励")
    assert _keys(client.get(URL, {"q": "技术改造 绿色工厂"})) == [both.document.key, one.document.key]


def test_an_over_long_query_is_shortened_with_a_message_in_chinese(client, catalogue):
    q = "江门 技术改造 " * 12    # 84 characters
    response = client.get(URL, {"q": q})
    assert response.status_code == 200
    html = response.content.decode()
    assert "搜索词过长，已截取为前 50 个字。" in html
    assert "Ensure this value" not in html and "最多" not in html
    assert f'value="{q[:50].strip()}"' in html
    assert JIANGMEN in _keys(response)     # the shortened search still finds what the words name


@pytest.mark.parametrize("q", ["", "   ", "　"])
def test_an_empty_query_lists_everything(client, catalogue, q):
    response = client.get(URL, {"q": q})
    assert sorted(_keys(response)) == sorted(catalogue.values_list("key", flat=True))
    assert "搜索词过长" not in response.content.decode()


# ---------------------------------------------------------------- filters

def test_filter_by_topic_lists_documents_with_such_an_incentive_and_shows_it(client, db):
    green = _document("关于绿色制造的措施", topic=Incentive.Topic.GREEN, name="绿色工厂奖励")
    finance = _document("关于融资支持的措施", topic=Incentive.Topic.FINANCE, name="贷款贴息")
    IncentiveFactory(clause=ClauseFactory(document=green.document), topic=Incentive.Topic.TALENT, name="人才奖励")
    response = client.get(URL, {"topic": "green"})
    assert _keys(response) == [green.document.key]
    assert _incentive_hits(response, green.document.key) == [green.key]   # not the talent incentive beside it
    assert _keys(client.get(URL, {"topic": "finance"})) == [finance.document.key]
    assert "绿色与节能" in response.content.decode()   # the topic, named


def test_filter_by_maximum_amount_in_wan_yuan(client, facts_loaded):
    small = _document("小额奖励措施", amount={"type": "fixed", "value": "100万元", "up_to": True, "quote": "最高100万元"})
    large = _document("大额奖励措施", amount={"type": "fixed", "value": "1亿元", "quote": "1亿元"})
    capped = _document("按比例资助措施", amount={
        "type": "rate", "base": "project_equipment_investment", "rate": "20%", "quote": "20%",
        "caps": [{"value": "500万元", "per": "project", "quote": "最高500万元"}]})
    _document("未定金额措施", amount={"type": "none"})
    _document("无上限措施", amount={"type": "rate", "base": "project_equipment_investment", "rate": "10%",
                                  "quote": "10%"})
    assert sorted(_keys(client.get(URL, {"amount_min": "200"}))) == sorted(
        [large.document.key, capped.document.key])
    assert _keys(client.get(URL, {"amount_max": "200"})) == [small.document.key]
    assert sorted(_keys(client.get(URL, {"amount_min": "100", "amount_max": "500万元"}))) == sorted(
        [small.document.key, capped.document.key])
    assert _keys(client.get(URL, {"amount_min": "１０００"})) == [large.document.key]   # full-width digits


@pytest.mark.parametrize("bounds, message", [
    ({"amount_min": "很多"}, "最高金额下限应为 0 到 1,000,000 之间的数字（单位：万元），已忽略。"),
    ({"amount_max": "-5"}, "最高金额上限应为 0 到 1,000,000 之间的数字（单位：万元），已忽略。"),
    ({"amount_max": "1e999"}, "最高金额上限应为"),
    ({"amount_min": "NaN"}, "最高金额下限应为"),
])
def test_a_bad_amount_bound_is_ignored_with_a_message_in_chinese(client, catalogue, bounds, message):
    response = client.get(URL, bounds)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert len(_keys(response)) == catalogue.count()


def test_bounds_the_wrong_way_round_are_swapped(client, facts_loaded):
    small = _document("小额奖励措施")   # 最高100万元
    response = client.get(URL, {"amount_min": "500", "amount_max": "50"})
    assert "最高金额下限大于上限，已将两者互换。" in response.content.decode()
    assert _keys(response) == [small.document.key]


def test_filter_by_an_open_round(client, db):
    open_now = _document("有批次的措施", name="正在受理的奖励")
    closed = _document("批次已截止的措施")
    _document("没有批次的措施")
    RoundFactory().incentives.set([open_now])
    RoundFactory(opens_at=timezone.now() - dt.timedelta(days=60),
                 closes_at=timezone.now() - dt.timedelta(days=1)).incentives.set([closed])
    response = client.get(URL, {"open": "1"})
    assert _keys(response) == [open_now.document.key]
    assert _incentive_hits(response, open_now.document.key) == [open_now.key]
    assert re.search(r'<input[^>]*(name="open"[^>]*checked|checked[^>]*name="open")', response.content.decode())


def test_a_round_that_opens_is_shown_at_once_though_the_page_is_kept(client, db):
    incentive = _document("有批次的措施")
    assert _keys(client.get(URL, {"open": "1"})) == []
    RoundFactory().incentives.set([incentive])
    assert _keys(client.get(URL, {"open": "1"})) == [incentive.document.key]


def test_filters_combine_with_the_search_and_each_other(client, facts_loaded):
    wanted = _document("关于技术改造的措施", region="jiangmen", topic=Incentive.Topic.INVESTMENT,
                       name="技术改造奖励", amount={"type": "fixed", "value": "300万元", "quote": "300万元"})
    _document("关于技术改造的措施", region="shaoguan", region_name="韶关市", topic=Incentive.Topic.INVESTMENT,
              name="技术改造奖励", amount={"type": "fixed", "value": "300万元", "quote": "300万元"})
    _document("关于技术改造的措施", region="jiangmen", topic=Incentive.Topic.GREEN, name="技术改造奖励")
    _document("关于技术改造的措施", region="jiangmen", topic=Incentive.Topic.INVESTMENT, name="技术改造奖励",
              amount={"type": "fixed", "value": "50万元", "quote": "50万元"})
    # the topic and the amount must hold of the same incentive, not of two in one document
    split = _document("关于技术改造的措施", region="jiangmen", topic=Incentive.Topic.INVESTMENT, name="技术改造奖励",
                      amount={"type": "fixed", "value": "50万元", "quote": "50万元"})
    IncentiveFactory(clause=ClauseFactory(document=split.document), topic=Incentive.Topic.GREEN,
                     amount={"type": "fixed", "value": "300万元", "quote": "300万元"})
    RoundFactory().incentives.set(Incentive.objects.all())
    response = client.get(URL, {"q": "技术改造 江门", "region": "jiangmen", "topic": "investment",
                                "amount_min": "100", "open": "on", "status": "in_force"})
    assert _keys(response) == [wanted.document.key]


def test_filters_are_kept_in_the_pagination_links(client, db):
    for n in range(23):
        _document(f"关于绿色制造的措施{n:02d}", topic=Incentive.Topic.GREEN)
    response = client.get(URL, {"topic": "green", "q": "绿色", "region": ""})
    html = response.content.decode()
    assert "共 23 份文件，第 1/2 页" in html
    assert "?q=%E7%BB%BF%E8%89%B2&amp;topic=green&amp;page=2" in html
    second = client.get(URL, {"q": "绿色", "topic": "green", "page": "2"})
    assert len(_keys(second)) == 3


@pytest.mark.parametrize("parameters", [
    {"page": "abc"}, {"page": "-1"}, {"page": "9" * 40}, {"region": "atlantis"}, {"topic": "<script>"},
    {"kind": "x" * 500}, {"status": "nope"}, {"department": "none"}, {"open": "maybe"},
    {"q": "技术\x00改造"}, {"q": "%"}, {"q": "_"}, {"q": "'; DROP TABLE x; --"}, {"amount_min": "１２,０００.５万元"},
])
def test_bad_parameters_never_fail(client, catalogue, parameters):
    response = client.get(URL, parameters)
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split('id="library-filter"')[1]


def test_percent_and_underscore_are_looked_for_literally(client, db):
    _document("关于技术改造的措施")
    assert _keys(client.get(URL, {"q": "%"})) == []
    assert _keys(client.get(URL, {"q": "_"})) == []


# ---------------------------------------------------------------- kept pages

PAGES = [URL, URL + "?q=%E6%8A%80%E6%9C%AF%E6%94%B9%E9%80%A0", reverse("incentives:home"),
         reverse("incentives:document_detail", args=[JIANGMEN]),
         reverse("incentives:incentive_detail", args=[JIANGMEN, "tech-renovation-provincial"])]


def _token(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


@pytest.mark.parametrize("url", PAGES)
def test_each_visitor_gets_their_own_csrf_token_and_address_on_a_kept_page(catalogue, url):
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    tokens = []
    for visitor in (first, second):
        html = visitor.get(url).content.decode()
        token = _token(html)
        assert _unmask_cipher_token(token) == visitor.cookies["csrftoken"].value   # matches their own cookie
        assert "kept-page" not in html and "keptpage" not in html
        tokens.append(visitor.cookies["csrftoken"].value)
        # their own address, in the login link and the language form
        assert f'<input name="next" type="hidden" value="{url.replace("&", "&amp;")}">' in html
        # the language form works with the token the page gave
        response = visitor.post(reverse("set_language"), {"language": "en", "next": url,
                                                          "csrfmiddlewaretoken": token})
        assert response.status_code == 302
    assert tokens[0] != tokens[1]


def test_a_kept_page_shows_the_address_it_was_asked_by(client, catalogue):
    client.get(URL + "?q=%E6%8A%80%E6%9C%AF%E6%94%B9%E9%80%A0")
    html = client.get(URL + "?region=&q=%E6%8A%80%E6%9C%AF%E6%94%B9%E9%80%A0").content.decode()
    assert "next=/policies/%3Fregion%3D%26q%3D%25E6%258A%2580" in html


@pytest.mark.parametrize("url", PAGES)
def test_a_signed_in_users_page_is_never_shown_to_another(catalogue, url):
    visitor, alice, bob = Client(), Client(), Client()
    alice.force_login(UserFactory(username="alice-zhang"))
    bob.force_login(UserFactory(username="bob-li"))
    assert "alice-zhang" in alice.get(url).content.decode()
    html = visitor.get(url).content.decode()
    assert "alice-zhang" not in html and "企业登录" in html
    html = bob.get(url).content.decode()
    assert "bob-li" in html and "alice-zhang" not in html and "企业登录" not in html
    assert "alice-zhang" not in visitor.get(url).content.decode()
    # and the visitor's kept page never reaches a signed-in user
    assert "企业登录" not in alice.get(url).content.decode()


def test_a_kept_page_is_in_the_visitors_language(client, catalogue):
    client.get(URL)
    english = client.get(URL, HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="en">' in english.content.decode()
    assert '<html lang="zh-hans">' in client.get(URL).content.decode()


def test_a_new_version_replaces_every_kept_page_at_once(client, catalogue, tmp_path):
    pages = [URL, URL + "?q=%E4%BF%AE%E8%AE%A2%E7%89%88", reverse("incentives:home"),
             reverse("incentives:document_detail", args=[JIANGMEN])]
    for page in pages:
        assert "（修订版）" not in client.get(page).content.decode()
    load_revised_seed(tmp_path, "jiangmen",
                      lambda data: data["document"].update(title="关于促进制造业高质量发展的若干措施（修订版）"))
    for page in pages:
        assert "（修订版）" in client.get(page).content.decode(), page


def test_a_waiting_message_is_shown_not_kept(client, catalogue):
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    client.get(URL)
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies["messages"] = storage._encode([Message(constants.INFO, "您已退出登录。")])
    assert "您已退出登录。" in client.get(URL).content.decode()
    assert "您已退出登录。" not in client.get(URL).content.decode()


# ---------------------------------------------------------------- PostgreSQL

@pytest.mark.postgres
def test_on_postgresql_the_search_ranks_by_trigram_likeness_among_equals_and_uses_the_indexes(client, db):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL")
    # both titles hold the word: equally relevant; the title closer to what was typed comes first
    far = _document("关于支持制造业企业开展多种形式数字化转型与智能化改造的若干政策措施", region="aaa")
    near = _document("数字化转型措施", region="zzz")
    assert _keys(client.get(URL, {"q": "数字化转型"})) == [near.document.key, far.document.key]
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE 'incentives_%%_trgm'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert {"incentives_clause_text_trgm", "incentives_incentive_name_trgm",
            "incentives_policydocument_title_trgm", "incentives_incentive_summary_trgm"} <= indexes


# ---------------------------------------------------------------- Redis, as production may share its cache

@pytest.mark.redis
def test_kept_pages_in_a_shared_redis_cache_give_each_visitor_their_own_token(catalogue, settings, tmp_path):
    import os

    import redis

    url = os.environ.get("PORTAL_REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"needs Redis at {url} (PORTAL_REDIS_URL): {exc}")
    from django.core.cache import caches

    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url,
                                   "KEY_PREFIX": f"library-test-{os.getpid()}"}}
    caches["default"].clear()
    try:
        first, second = Client(), Client()
        page = reverse("incentives:document_detail", args=[JIANGMEN])
        tokens = [_token(visitor.get(page).content.decode()) for visitor in (first, second)]
        for visitor, token in zip((first, second), tokens):
            assert _unmask_cipher_token(token) == visitor.cookies["csrftoken"].value
        assert any(key.startswith(b"library-test") for key in redis.Redis.from_url(url).keys("library-test-*"))
        test_a_new_version_replaces_every_kept_page_at_once(Client(), catalogue, tmp_path)
    finally:
        caches["default"].clear()
