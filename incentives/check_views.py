"""The eligibility check: a questionnaire that asks only what still matters, the results, and a comparison of cities."""
from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import replace
from decimal import Decimal
from typing import NamedTuple

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from crispy_forms.utils import render_crispy_form
from django import forms
from django.core.cache import cache
from django.db import connection
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.dateparse import parse_datetime
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from applications.models import Round
from applications.selectors import enterprise_answers, enterprise_of
from applications.services import now
from applications.services import enterprise_answers_save

from .asking import incentive_topics, next_step, plan, topic_stakes
from .eligibility import current_documents, evaluate_enterprise, today
from .models import Fact, Incentive, PolicyDocument
from .presenters import ResultRow, by_money, by_topic, eligible_units, incentive_details, mark_exclusions
from .questionnaire import QUESTIONS_PER_STEP, State, StepForm, typed_answers
from .rules.figures import format_money
from .rules.combine import best_total
from .rules.evaluate import evaluate
from .selectors import CatalogueState, catalogue_state, execute_at, facts_by_key, known_fact_specs
from .widgets import Select, SelectMultiple


REUSE, FRESH = "reuse", "fresh"


class CityForm(forms.Form):
    city = forms.ChoiceField(label=_("企业注册地（所在城市）"), widget=Select)
    saved = forms.ChoiceField(label=_("已有的回答"), widget=forms.RadioSelect,
                              choices=[(REUSE, _("沿用并核对")), (FRESH, _("不用，重新回答"))],
                              error_messages={"required": _("请选择是否沿用已有的回答。")})

    def __init__(self, *args, has_saved: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        city = facts_by_key({"city"}, state=catalogue_state()).get("city")
        self.fields["city"].choices = [("", "—")] + [(c["value"], c["label"]) for c in (city.choices if city else [])]
        if not has_saved:  # nothing to reuse, nothing to confirm
            del self.fields["saved"]
        self.helper = FormHelper()
        # the form tag and its button are the template's: a helper's form id is repeated on radio groups
        self.helper.form_tag = False


class CheckStartView(FormView):
    """Choose the city; answers saved before (the enterprise's, or this visit's) are shown and must be confirmed."""

    template_name = "incentives/check_start.html"
    form_class = CityForm

    def dispatch(self, request, *args, **kwargs):
        self.enterprise = enterprise_of(request.user)
        self.state = State(request.session)
        if self.enterprise is not None and self.enterprise.answers:
            self.saved = {k: v for k, v in self.enterprise.answers.items() if k != "city"}
        else:
            self.saved = {k: v for k, v in self.state.answers.items() if k != "city"}
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "has_saved": bool(self.saved)}

    def get_initial(self):
        if self.state.city:
            return {"city": self.state.city}
        return {"city": self.enterprise.city} if self.enterprise else {}

    def get_context_data(self, **kwargs):
        saved_rows = []
        if self.saved and self.enterprise is not None and self.enterprise.answers:
            saved_rows = [row for row in enterprise_answers(self.enterprise) if row.key != "city"]
        elif self.saved:
            facts = facts_by_key(set(self.saved))
            saved_rows = [{"question": facts[k].label, "shown": _shown(facts[k], v)}
                          for k, v in self.saved.items() if k in facts]
        return super().get_context_data(enterprise=self.enterprise, saved=self.saved, saved_rows=saved_rows,
                                        saved_from_enterprise=bool(self.enterprise and self.enterprise.answers),
                                        **kwargs)

    def form_valid(self, form):
        reuse = form.cleaned_data.get("saved") == REUSE
        self.state.start(form.cleaned_data["city"], saved=self.saved if reuse else {})
        return redirect("incentives:check_topics")


def _document_rows(city: str, on) -> list[dict]:
    """The city's current documents with their status on the day, those in force first."""
    rows = []
    for document in current_documents(regions=[city]):
        status = document.status_on(on)
        rows.append({"document": document, "status": status,
                     "url": reverse("incentives:document_detail", args=[document.key])})
    rows.sort(key=lambda row: (row["status"] != PolicyDocument.Status.IN_FORCE, row["document"].title))
    return rows


def _stake_label(stake) -> str:
    if stake.maximum is None:
        return str(_("金额未定"))
    return str(_("最高 %(amount)s 万元") % {"amount": format_money(stake.maximum)})


class TopicsForm(forms.Form):
    topics = forms.MultipleChoiceField(label=_("贵企业有或计划做的事（可多选）"),
                                       widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input mt-1"}),
                                       error_messages={"required": _("请至少选择一项；不确定的，可以都选上。")})

    def __init__(self, *args, stakes, **kwargs):
        super().__init__(*args, **kwargs)
        self.stakes = stakes
        self.fields["topics"].choices = [(stake.value, stake.label) for stake in stakes]


class CheckTopicsView(FormView):
    """Before the first question: the city's documents and whether they are in force, then what the enterprise
    has or plans (the topics the city has incentives for, each with the money at stake)."""

    template_name = "incentives/check_topics.html"
    form_class = TopicsForm

    def dispatch(self, request, *args, **kwargs):
        self.state = State(request.session)
        if not self.state.city:
            return redirect("incentives:check_start")
        self.catalogue = catalogue_state()
        self.specs = known_fact_specs(self.catalogue)
        self.evaluation = _evaluation(self.state, self.specs, explain=False, catalogue=self.catalogue)
        self.stakes = topic_stakes(self.evaluation, incentive_topics(self.catalogue))
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "stakes": self.stakes}

    def get_initial(self):
        return {"topics": self.state.topics or []}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        on = self.evaluation.on
        documents = _document_rows(self.state.city, on)
        in_force = [row for row in documents if row["status"] == PolicyDocument.Status.IN_FORCE]
        form = context["form"]
        city = facts_by_key({"city"}, state=self.catalogue).get("city")
        context.update(
            city=city.choice_label(self.state.city) if city else self.state.city, documents=documents,
            in_force=in_force, today=on,
            # where nothing is in force, the topics wait until the enterprise asks for an estimate as written
            show_topics=bool(self.stakes) and (bool(in_force) or "as_written" in self.request.GET
                                               or form.is_bound),
            topic_rows=[(field, stake, _stake_label(stake))
                        for field, stake in zip(form["topics"], self.stakes)],
        )
        return context

    def form_valid(self, form):
        self.state.choose_topics(form.cleaned_data["topics"])
        return redirect("incentives:check_step")


def _evaluation(state: State, specs, *, explain: bool, catalogue: CatalogueState | None = None):
    return evaluate_enterprise(typed_answers(state.answers, specs), regions=[state.city], specs=specs,
                               explain=explain, state=catalogue)


STEP_FORM_SECONDS = 6 * 3600   # keyed by the catalogue's state: never stale, this only bounds unused entries


class CheckStepView(TemplateView):
    template_name = "incentives/check_step.html"

    def dispatch(self, request, *args, **kwargs):
        self.state = State(request.session)
        if not self.state.city:
            return redirect("incentives:check_start")
        if request.method == "POST" and "back" in request.POST:  # the answers on this step are not kept
            self.state.back()
            return redirect(request.get_full_path())
        self.catalogue = catalogue_state()
        self.specs = known_fact_specs(self.catalogue)
        self.evaluation = None
        # ?unstated=1: also the questions that only decide support without a stated amount (a link of the results)
        self.unstated = request.GET.get("unstated") == "1"
        return super().dispatch(request, *args, **kwargs)

    def _here(self) -> str:
        return reverse("incentives:check_step") + ("?unstated=1" if self.unstated else "")

    def _plan(self) -> list[str]:
        """Evaluate the city (once, without reasons) and choose this step's questions; [] when nothing is left.

        Only what the incentives of the chosen topics need, the facts deciding the most money first (see
        incentives.asking); the conditions are judged as written, whatever the documents' dates.
        """
        self.evaluation = _evaluation(self.state, self.specs, explain=False, catalogue=self.catalogue)
        pending = plan(self.evaluation, incentive_topics(self.catalogue), self.state.topics, self.state.asked,
                       unstated=self.unstated)
        self.pending = pending
        keys = [key for key in self.state.current if key not in self.state.asked] or \
               next_step(pending, QUESTIONS_PER_STEP)
        self._ask(keys)
        return keys

    def _ask(self, keys: list[str]) -> None:
        facts = facts_by_key(set(keys), state=self.catalogue)
        self.facts = [facts[key] for key in keys if key in facts]

    def get(self, request, *args, **kwargs):
        keys = self._plan()
        if not keys:
            return redirect("incentives:check_results")
        self.state.show(keys)
        return super().get(request, *args, **kwargs)

    def form(self, data=None) -> StepForm:
        return StepForm(data, facts=self.facts, specs=self.specs, initial_answers=self.state.answers)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = kwargs.get("form")
        if form is None:  # the questions as first shown: the same for everyone at this point of the questionnaire
            form = self.form()
            initial = tuple((key, repr(self.state.answers.get(key))) for key in form.keys)
            key = "incentives:step-form:" + hashlib.sha1(
                repr((self.catalogue.key, initial, get_language())).encode()).hexdigest()
            context["form_html"] = cache.get_or_set(key, lambda: render_crispy_form(form), STEP_FORM_SECONDS)
        answered = len(self.state.asked)
        remaining = len(self.pending)
        labels = dict(Incentive.Topic.choices)
        context.update(form=form, progress=int(100 * answered / max(answered + remaining, 1)),
                       answered=answered, remaining=remaining, can_go_back=len(self.state.steps) > 1,
                       answered_questions=len([key for key in self.state.asked if key != "city"]),
                       topic_labels=[str(labels.get(t, t)) for t in self.state.topics or []],
                       counts=self._counts())
        return context

    def _counts(self) -> dict[str, int]:
        counts = {"eligible": 0, "unknown": 0, "not_eligible": 0}
        for result in self.evaluation.results:
            counts[result.rule_status] += 1
        return counts

    def post(self, request, *args, **kwargs):
        # the questions on screen were remembered when the page was shown: no need to work them out again
        shown = [key for key in self.state.current if key not in self.state.asked]
        if shown:
            self._ask(shown)
        elif not self._plan():
            return redirect("incentives:check_results")
        form = self.form(request.POST)
        if not form.is_valid():
            if self.evaluation is None:
                self._plan()
            return self.render_to_response(self.get_context_data(form=form))
        self.state.record(form.keys, form.values)
        enterprise = enterprise_of(request.user)
        if enterprise is not None:  # reused next time; the step was validated whole, so nothing is half-saved
            enterprise_answers_save(enterprise_id=enterprise.pk, answers=self.state.answers, by=request.user)
        if "finish" in request.POST:
            return redirect("incentives:check_results")
        return redirect(self._here())


class CheckAnswerView(TemplateView):
    """One answer changed from the results page: the question alone, then back to the results at that answer."""

    template_name = "incentives/check_answer.html"

    def dispatch(self, request, *args, **kwargs):
        self.state = State(request.session)
        if not self.state.city:
            return redirect("incentives:check_start")
        key = kwargs["key"]
        if key == "city":  # another city is another questionnaire
            return redirect("incentives:check_start")
        catalogue = catalogue_state()
        self.specs = known_fact_specs(catalogue)
        self.fact = facts_by_key({key}, state=catalogue).get(key)
        if self.fact is None or key not in self.specs:
            raise Http404("no such question")
        return super().dispatch(request, *args, **kwargs)

    def form(self, data=None) -> StepForm:
        return StepForm(data, facts=[self.fact], specs=self.specs, initial_answers=self.state.answers)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("form", self.form())
        context.update(fact=self.fact, back=reverse("incentives:check_results") + f"#answer-{self.fact.key}")
        return context

    def post(self, request, *args, **kwargs):
        form = self.form(request.POST)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        self.state.change(self.fact.key, form.values.get(self.fact.key))
        enterprise = enterprise_of(request.user)
        if enterprise is not None:
            enterprise_answers_save(enterprise_id=enterprise.pk, answers=self.state.answers, by=request.user)
        return redirect(reverse("incentives:check_results") + f"#answer-{self.fact.key}")


class CheckRestartView(TemplateView):
    """重新开始: the page asks for confirmation; only its POST clears this visit's answers."""

    template_name = "incentives/check_restart.html"

    def get_context_data(self, **kwargs):
        state = State(self.request.session)
        enterprise = enterprise_of(self.request.user)
        return super().get_context_data(answered=len([k for k in state.answers if k != "city"]),
                                        enterprise=enterprise, **kwargs)

    def post(self, request, *args, **kwargs):
        State(request.session).clear()
        return redirect("incentives:check_start")


def _shown(fact: Fact, value: object) -> str:
    """An answer as the person gave it: 是/否, the choice's label, or the number."""
    if isinstance(value, bool):
        return str(_("是") if value else _("否"))
    if fact.type == Fact.Type.CHOICE:
        return fact.choice_label(str(value))
    return str(value)


ELIGIBLE_UNGROUPED = 6   # a short 符合 list reads best as one list; a longer one is grouped by topic


class OpenRound(NamedTuple):
    """What a results row shows of the round accepting applications for its incentive."""

    pk: int
    name: str
    closes_at: dt.datetime


def _open_rounds(incentive_ids, at: dt.datetime) -> dict[int, OpenRound]:
    """For each incentive, the round accepting new applications for it now (the soonest to close), as
    applications.selectors.open_rounds_by_incentive says, read from the other side: the links of the rounds open now
    (a few), in one plain query, prepared once per connection on PostgreSQL. Built by the ORM, with a parameter per
    incentive of the page, the query took ten times longer to write than to run."""
    wanted = set(incentive_ids)
    links, rounds = Round.incentives.through._meta.db_table, Round._meta.db_table
    sql = (f"SELECT l.incentive_id, r.id, r.name, r.closes_at FROM {links} l JOIN {rounds} r ON r.id = l.round_id"  # noqa: S608 - table names
           " WHERE r.opens_at <= {at} AND r.closes_at > {at} ORDER BY r.closes_at, r.id")
    with connection.cursor() as cursor:
        execute_at(cursor, "portal_results_rounds", sql, at)
        found: dict[int, OpenRound] = {}
        for incentive_id, pk, name, closes_at in cursor.fetchall():
            if incentive_id in wanted and incentive_id not in found:
                if not isinstance(closes_at, dt.datetime):   # SQLite may hand back its text
                    closes_at = parse_datetime(str(closes_at))
                if closes_at.tzinfo is None:                  # ... or a naive datetime: stored in UTC
                    closes_at = closes_at.replace(tzinfo=dt.timezone.utc)
                found[incentive_id] = OpenRound(pk, name, closes_at)
    return found


def _explained(evaluation, rows, facts, specs) -> list:
    """The rows shown with their reasons and steps: one rule at a time, only those the page explains."""
    return [(evaluate(evaluation.rules[result.key], facts, on=evaluation.on, specs=specs), incentive)
            for result, incentive in rows]


class CheckResultsView(TemplateView):
    """What the enterprise can have, as an officer reads it: what is counted and why, whom to ask, by when, with what.

    One evaluation without reasons for the whole city; the 符合 rows are explained one by one (their steps are
    shown), the 不符合 reasons only when asked for (?reasons=1): most visitors never open them.
    """

    template_name = "incentives/check_results.html"

    def dispatch(self, request, *args, **kwargs):
        self.state = State(request.session)
        if not self.state.city:
            return redirect("incentives:check_start")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        catalogue = catalogue_state()
        specs = known_fact_specs(catalogue)
        answers = typed_answers(self.state.answers, specs)
        evaluation = evaluate_enterprise(answers, regions=[self.state.city], specs=specs, explain=False,
                                         state=catalogue)
        facts = facts_by_key(state=catalogue)
        with_reasons = self.request.GET.get("reasons") == "1"
        eligible = _explained(evaluation, evaluation.by_rule_status("eligible"), answers, specs)
        not_eligible = evaluation.by_rule_status("not_eligible")
        if with_reasons:
            not_eligible = _explained(evaluation, not_eligible, answers, specs)
        # judged on the conditions, as the page lists them; only a result whose conditions hold matters to a total
        written = [replace(r, status=r.rule_status) if r.rule_status == "eligible" and r.status != "eligible" else r
                   for r in evaluation.results]
        combination = best_total([r for r in written if r.availability == "open"], evaluation.rules)
        as_written = best_total(written, evaluation.rules)
        shown = eligible + evaluation.by_rule_status("unknown")
        details = incentive_details(list({id(i.document): i.document for _r, i in shown}.values()),
                                    token=catalogue.documents)
        excludes = {rule.key: set(rule.excludes) for rule in evaluation.rules.values() if rule.excludes}
        eligible_rows = [ResultRow(result, incentive, details.get(incentive.pk)) for result, incentive in eligible]
        unknown_rows = [ResultRow(result, incentive, details.get(incentive.pk),
                                  questions=[facts[key] for key in result.missing[:2] if key in facts])
                        for result, incentive in evaluation.by_rule_status("unknown")]
        mark_exclusions(unknown_rows, {r.key: i.name for r, i in shown}, excludes)
        eligible_units_ = by_money(eligible_units(eligible_rows, excludes, set(combination.selected),
                                                  set(as_written.selected)))
        context.update(
            evaluation=evaluation, on=evaluation.on, eligible=eligible_rows, unknown=unknown_rows,
            eligible_units=eligible_units_,
            # grouped by topic where the list is long enough to need it
            eligible_groups=by_topic(eligible_units_) if len(eligible_rows) > ELIGIBLE_UNGROUPED else None,
            unknown_groups=by_topic(unknown_rows),
            not_eligible=not_eligible, with_reasons=with_reasons,
            combination=combination, combination_as_written=as_written,
            city=facts["city"].choice_label(self.state.city) if "city" in facts else self.state.city,
            answers=[(facts[k], _shown(facts[k], v)) for k, v in self.state.answers.items() if k in facts],
            rounds=_open_rounds((i.pk for _r, i in shown), now()),
        )
        return context


COMPARE_CITIES = 6   # side by side on one page; a province has many more


class CityChoices(forms.MultipleChoiceField):
    """Cities checked against a set; the options themselves are given only when the form is written, which is
    once per catalogue state and question (the form's HTML is kept): normalising a province's cities as options
    on every request took longer than comparing them."""

    valid: frozenset[str] = frozenset()

    def valid_value(self, value) -> bool:
        return str(value) in self.valid


class CompareForm(forms.Form):
    project_equipment_investment = forms.DecimalField(label=_("项目新设备（生产设备）购置额（万元）"), min_value=Decimal(0),
                                                      max_digits=14, decimal_places=4, initial=Decimal(3000))
    project_fixed_asset_investment = forms.DecimalField(label=_("项目固定资产投资额（万元）"), min_value=Decimal(0),
                                                        max_digits=14, decimal_places=4, required=False,
                                                        help_text=_("不填则按设备购置额计"))
    project_total_investment = forms.DecimalField(label=_("项目总投资额（万元）"), min_value=Decimal(0),
                                                  max_digits=14, decimal_places=4, required=False,
                                                  help_text=_("不填则按固定资产投资额计"))
    is_manufacturing = forms.BooleanField(label=_("制造业企业"), required=False, initial=True)
    above_designated_size = forms.BooleanField(label=_("规模以上工业企业"), required=False, initial=True)
    project_is_tech_renovation = forms.BooleanField(label=_("技术改造项目"), required=False, initial=True)
    cities = CityChoices(label=_("比较的城市"), required=False, widget=SelectMultiple)
    project_provincial_tech_renovation = forms.TypedChoiceField(
        label=_("该技术改造项目是否申报并享受省级技改政策"), required=False, empty_value=None,
        choices=[("", _("不确定")), ("true", _("是")), ("false", _("否"))], coerce=lambda value: value == "true",
        help_text=_("省级技改奖励与市级技改奖励（未享受省级政策的项目）只能二选一"))

    def __init__(self, *args, state: CatalogueState, **kwargs):
        super().__init__(*args, **kwargs)
        city = facts_by_key({"city"}, state=state).get("city")
        self.city_choices = [(c["value"], c["label"]) for c in (city.choices if city else [])]
        self.fields["cities"].valid = frozenset(value for value, _label in self.city_choices)
        self.fields["cities"].help_text = _("不选则比较前%(n)d个城市；最多同时比较%(n)d个。") % {"n": COMPARE_CITIES}
        self.helper = FormHelper()
        self.helper.form_method = "get"
        self.helper.form_id = "compare-form"
        self.helper.disable_csrf = True
        self.helper.add_input(Submit("", _("比较"), css_class="btn-primary"))

    def with_options(self) -> CompareForm:
        """The form with its cities as options, to be written."""
        self.fields["cities"].choices = self.city_choices
        return self

    def clean_cities(self) -> list[str]:
        cities = self.cleaned_data["cities"]
        if len(cities) > COMPARE_CITIES:
            raise forms.ValidationError(_("最多同时比较%(n)d个城市，请减少所选城市。"), params={"n": COMPARE_CITIES})
        return cities or [value for value, _label in self.city_choices[:COMPARE_CITIES]]


class CompareView(TemplateView):
    """The same enterprise and project, judged by every city's documents side by side."""

    template_name = "incentives/check_compare.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        state = catalogue_state()
        form = CompareForm(self.request.GET or None, initial=None, state=state)
        columns = []
        if form.is_valid():
            specs = known_fact_specs(state)
            cities = form.cleaned_data["cities"]
            facts = {key: value for key, value in form.cleaned_data.items() if value is not None and key != "cities"}
            # an equipment upgrade: unless told otherwise, its investment is its equipment
            facts.setdefault("project_fixed_asset_investment", facts["project_equipment_investment"])
            facts.setdefault("project_total_investment", facts["project_fixed_asset_investment"])
            if facts.get("is_manufacturing"):
                facts["is_industrial"] = True  # manufacturing is a branch of industry
            # every rule of the chosen cities without reasons; only the rows shown with their steps are explained
            evaluation = evaluate_enterprise(facts, regions=cities, ignore_region=True, explain=False, specs=specs,
                                             state=state)
            project_facts = {key for key in facts if key.startswith("project_")}
            by_region: dict[str, dict] = {}
            for result in evaluation.results:
                incentive = evaluation.incentives[result.key]
                rule = evaluation.rules[result.key]
                certain = (result.rule_status == "eligible" and result.amount.value is not None
                           and not result.amount.missing)
                # shown apart: open on other questions, or its amount needs more than this project's figures,
                # when the amount rests on this project at all
                possible = (not certain and result.rule_status != "not_eligible"
                            and result.amount.value is not None and rule.amount.facts() & project_facts)
                if not (certain or possible):
                    continue
                column = by_region.setdefault(incentive.document.region, {
                    "region": incentive.document.region_name, "document": incentive.document, "rows": [],
                    "possible": []})
                if certain:
                    result = evaluate(rule, facts, on=evaluation.on, specs=specs, ignore_region=True)
                column["rows" if certain else "possible"].append((result, incentive))
            for column in by_region.values():
                column["rows"].sort(key=lambda row: row[0].amount.value, reverse=True)
                column["possible"].sort(key=lambda row: row[0].amount.value, reverse=True)
            columns = sorted(by_region.values(), key=lambda c: c["region"])
            for column in columns:
                keys = {result.key for result, _ in column["rows"]}
                subset = [r for r in evaluation.results if r.key in keys]
                # judged on the text alone: drafts and expired documents are compared as written
                column["best"] = best_total([replace(r, status="eligible") for r in subset], evaluation.rules)
                # incentives that exclude each other: the one left out of the total says so
                column["left_out"] = ({key for pair in column["best"].conflicts for key in pair}
                                      - set(column["best"].selected))
        # the form as submitted: the same for everyone who asks the same question
        key = "incentives:compare-form:" + hashlib.sha1(
            repr((state.key, self.request.GET.urlencode(), get_language())).encode()).hexdigest()
        context.update(form=form, columns=columns, today=today(),
                       form_html=cache.get_or_set(key, lambda: render_crispy_form(form.with_options()),
                                                  STEP_FORM_SECONDS))
        return context
