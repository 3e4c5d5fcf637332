"""Administrators open rounds in the admin; drafts cannot be opened, expired documents only with a stated basis."""
from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Round
from incentives.models import Department, Incentive

pytestmark = pytest.mark.django_db


def form_data(incentives, department_key, **extra):
    now = timezone.localtime()
    return {"name": "2026年第一批", "incentives": [i.pk for i in incentives],
            "accepting_department": Department.objects.get(key=department_key).pk,
            "opens_at_0": now.strftime("%Y-%m-%d"), "opens_at_1": "00:00:00",
            "closes_at_0": (now + dt.timedelta(days=20)).strftime("%Y-%m-%d"), "closes_at_1": "17:30:00",
            "grace_hours": "24", "budget": "3000", "documents_text": "", "notice": "请按时申报。",
            "transitional_basis": "", "publicity_days": "7",
            # the review route inline, left empty: the incentives' own departments review
            "review_departments-TOTAL_FORMS": "0", "review_departments-INITIAL_FORMS": "0",
            "review_departments-MIN_NUM_FORMS": "0", "review_departments-MAX_NUM_FORMS": "1000", **extra}


def current(region, *keys):
    return list(Incentive.objects.filter(document__is_current=True, document__region=region, key__in=keys))


def test_a_round_of_a_document_in_force_opens_with_its_documents_prefilled(admin_client, catalogue):
    incentives = current("shaoguan", "national-little-giant-award", "tech-renovation-award")
    response = admin_client.post(reverse("admin:applications_round_add"), form_data(incentives, "shaoguan-gxj"))
    assert response.status_code == 302, response.content.decode()[:3000]
    round_ = Round.objects.get()
    assert round_.region == "shaoguan"
    little_giant, renovation = sorted(incentives, key=lambda i: i.key != "national-little-giant-award")
    assert round_.documents_for(little_giant) == ["国家专精特新“小巨人”企业认定文件"]
    assert "技术改造项目备案证明" in round_.documents_for(renovation)
    assert "技术改造项目备案证明" not in round_.documents_for(little_giant)


def test_documents_are_edited_as_text_common_first_then_per_incentive(admin_client, catalogue):
    incentives = current("shaoguan", "national-little-giant-award")
    text = "营业执照复印件\n[shaoguan-2020/national-little-giant-award] 小巨人\n认定文件\n"
    key = f"{incentives[0].document.key}/national-little-giant-award"
    text = text.replace("shaoguan-2020/national-little-giant-award", key)
    response = admin_client.post(reverse("admin:applications_round_add"),
                                 form_data(incentives, "shaoguan-gxj", documents_text=text))
    assert response.status_code == 302
    assert Round.objects.get().documents_for(incentives[0]) == ["营业执照复印件", "认定文件"]
    response = admin_client.post(reverse("admin:applications_round_add"),
                                 form_data(incentives, "shaoguan-gxj", documents_text="[nope/x]\nA"))
    assert "第1行：[nope/x] 不是本批次所选项目的代码" in response.content.decode()
    public = admin_client.get(reverse("applying:round_list")).content.decode()
    assert "2026年第一批" in public and "还剩" in public


def test_a_draft_document_cannot_be_opened(admin_client, catalogue):
    incentives = list(Incentive.objects.filter(document__is_current=True, document__region="shenzhen")[:1])
    response = admin_client.post(reverse("admin:applications_round_add"), form_data(incentives, "shaoguan-gxj"))
    assert response.status_code == 200
    assert "征求意见稿，尚未施行，不能开放申报" in response.content.decode()
    assert not Round.objects.exists()


def test_an_expired_document_needs_a_transitional_basis_shown_publicly(admin_client, catalogue):
    incentives = list(Incentive.objects.filter(document__is_current=True, document__region="jiangmen",
                                               amount__isnull=False)[:1])
    department = Department.objects.filter(region="jiangmen").first().key
    response = admin_client.post(reverse("admin:applications_round_add"), form_data(incentives, department))
    assert "已于 2025-12-31 失效" in response.content.decode() and not Round.objects.exists()
    basis = "受理2025年12月31日前已完成的项目"
    response = admin_client.post(reverse("admin:applications_round_add"),
                                 form_data(incentives, department, transitional_basis=basis))
    assert response.status_code == 302
    page = admin_client.get(reverse("applying:round_detail", args=[Round.objects.get().pk])).content.decode()
    assert basis in page


def test_a_round_holds_one_city_only(admin_client, catalogue):
    incentives = current("shaoguan", "national-little-giant-award") + list(
        Incentive.objects.filter(document__is_current=True, document__region="jiangmen")[:1])
    response = admin_client.post(reverse("admin:applications_round_add"),
                                 form_data(incentives, "shaoguan-gxj", transitional_basis="x"))
    assert "一个批次只能包含同一城市的激励项目" in response.content.decode()
    assert not Round.objects.exists()


def test_the_public_list_keeps_a_round_in_its_grace_period_and_drops_a_closed_one(client, catalogue):
    from tests.factories.applying import open_round

    now = timezone.now()
    in_grace = open_round("national-little-giant-award", name="补交期批次", opens_at=now - dt.timedelta(days=10),
                          closes_at=now - dt.timedelta(hours=1), grace_hours=24)
    open_round("tech-renovation-award", name="已截止批次", opens_at=now - dt.timedelta(days=10),
               closes_at=now - dt.timedelta(hours=1))
    page = client.get(reverse("applying:round_list")).content.decode()
    assert in_grace.name in page and "截止后补交期" in page
    assert "已截止批次" not in page
