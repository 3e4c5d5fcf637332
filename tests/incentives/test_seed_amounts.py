"""A sample of incentives per document, checked against the words of its clause: conditions, amount, cap."""
from __future__ import annotations

from decimal import Decimal

import pytest

from incentives.eligibility import evaluate_enterprise

pytestmark = pytest.mark.django_db

JM, SG, SZ, HY, ZMD = ("jiangmen-2023-manufacturing", "shaoguan-2020-manufacturing", "shenzhen-manufacturing-draft",
                       "heyuan-manufacturing-draft", "zhumadian-industry-draft")

# document, incentive, region, facts (money in 万元), expected amount, up to — each row's figures are in its clause:
SAMPLES = [
    # 单个项目按不超过新设备购置额的 20%，给予最高 5000 万元奖励
    (JM, "tech-renovation-provincial", "jiangmen",
     {"is_manufacturing": True, "project_is_tech_renovation": True, "project_provincial_tech_renovation": True,
      "project_equipment_investment": 3000}, "600", True),
    (JM, "tech-renovation-provincial", "jiangmen",
     {"is_manufacturing": True, "project_is_tech_renovation": True, "project_provincial_tech_renovation": True,
      "project_equipment_investment": 30000}, "5000", True),
    # 支持未享受省级技改政策的企业…单个项目按不超过新设备购置额的 10%，给予最高 300 万元奖励
    (JM, "tech-renovation-municipal", "jiangmen",
     {"is_manufacturing": True, "project_is_tech_renovation": True, "project_equipment_investment": 2000,
      "project_provincial_tech_renovation": False}, "200", True),
    # 按单台（套）装备产品售价的30%给予奖励，支持额度不低于100万元
    (JM, "first-set-equipment-award", "jiangmen",
     {"first_set_equipment": True, "first_set_unit_price": 200}, "100", False),
    # 按知识产权质押融资贷款实际支付利息的50%给予贴息补助，同一企业同一年度最高补助20万元
    (JM, "ip-pledge-loan-interest-subsidy", "jiangmen",
     {"jiangmen_has_ip_pledge_loan": True, "jiangmen_ip_pledge_loan_interest_paid": 30}, "15", False),
    # 生产设备投资额给予不超过 5% 比例的奖励，单个企业不超过 100 万元，单个项目奖励金额最高不超过 50 万元
    (SG, "tech-renovation-award", "shaoguan",
     {"is_industrial": True, "project_is_tech_renovation": True, "project_fixed_asset_investment": 2000,
      "project_completed": True, "project_equipment_investment": 600}, "30", True),
    (SG, "tech-renovation-award", "shaoguan",
     {"is_industrial": True, "project_is_tech_renovation": True, "project_fixed_asset_investment": 2000,
      "project_completed": True, "project_equipment_investment": 1500}, "50", True),
    # 按不超过项目设备投资额的 15%，且最高不超 40 万的额度支持 500 万元以下技改项目
    (SG, "small-tech-renovation-subsidy", "shaoguan",
     {"project_is_tech_renovation": True, "project_total_investment": 450, "project_equipment_investment": 300},
     "40", True),
    # 国家专精特新“小巨人”企业…一次性给予100万元
    (SG, "national-little-giant-award", "shaoguan", {"title_national_little_giant": True}, "100", False),
    # 年度产值首次达到1000亿元、500亿元、100亿元…分别给予2000万元、1000万元、300万元的一次性奖励
    (SZ, "output-milestone-award", "shenzhen",
     {"is_industrial": True, "annual_output": 5200000, "previous_max_annual_output": 4800000}, "1000", False),
    (SZ, "output-milestone-award", "shenzhen",
     {"is_industrial": True, "annual_output": 10500000, "previous_max_annual_output": 9000000}, "2000", False),
    # 按不超过项目投资额的20%，给予最高5000万元资助
    (SZ, "tech-renovation-grant", "shenzhen",
     {"project_is_tech_renovation": True, "project_total_investment": 30000}, "5000", True),
    # 按不超过项目固定资产银行贷款利息和设备融资租赁利息的50%，给予最高500万元贴息
    (SZ, "tech-renovation-interest-subsidy", "shenzhen",
     {"project_is_tech_renovation": True, "project_loan_interest_paid": 400}, "200", True),
]


def evaluate_one(document, key, region, facts):
    evaluation = evaluate_enterprise({"city": region, **{k: Decimal(v) if isinstance(v, int) and not isinstance(v, bool)
                                                         else v for k, v in facts.items()}}, regions=[region])
    return evaluation.results[[r.key for r in evaluation.results].index(f"{document}/{key}")]


@pytest.mark.parametrize(("document", "key", "region", "facts", "amount", "up_to"), SAMPLES,
                         ids=[f"{s[1]}-{s[4]}" for s in SAMPLES])
def test_sample_incentives_compute_as_their_clause_says(catalogue, document, key, region, facts, amount, up_to):
    result = evaluate_one(document, key, region, facts)
    assert result.rule_status == "eligible", result.reasons
    assert result.amount.value == Decimal(amount), result.amount.steps
    assert result.amount.is_maximum is up_to


def test_the_municipal_award_is_not_for_projects_with_the_provincial_one(catalogue):
    result = evaluate_one(JM, "tech-renovation-municipal", "jiangmen",
                          {"is_manufacturing": True, "project_is_tech_renovation": True,
                           "project_equipment_investment": 2000,
                           "project_provincial_tech_renovation": True})
    assert result.rule_status == "not_eligible"


def test_no_tier_is_first_reached_when_it_was_reached_before(catalogue):
    result = evaluate_one(SZ, "output-milestone-award", "shenzhen",
                          {"is_industrial": True, "annual_output": 5200000, "previous_max_annual_output": 5500000})
    assert result.rule_status == "not_eligible"


def test_zhumadian_promises_no_amounts(catalogue):
    document = catalogue.get(key=ZMD)
    assert document.incentives.exists()
    assert all(not incentive.has_amount for incentive in document.incentives.all())


def test_every_incentive_of_every_document_cites_a_clause_of_its_own_document(catalogue):
    for document in catalogue:
        for incentive in document.incentives.select_related("clause"):
            assert incentive.clause.document_id == document.pk


def test_documents_carry_the_status_their_text_gives(catalogue):
    statuses = dict(catalogue.values_list("key", "status"))
    assert statuses[HY] == statuses[ZMD] == statuses[SZ] == "draft"
    assert statuses[SG] == statuses[JM] == "in_force"
    jiangmen = catalogue.get(key=JM)
    assert (str(jiangmen.effective_from), str(jiangmen.effective_to), jiangmen.number) == (
        "2023-04-29", "2025-12-31", "江府〔2023〕11号")
    assert catalogue.get(key=SG).number == "韶委字〔2020〕2号"
