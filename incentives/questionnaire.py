"""The questionnaire's state in the session and the form of one step, built from the facts it asks."""
from __future__ import annotations

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Fact
from .rules.answers import AnswerError, coerce_answer
from .rules.model import FactSpec

SESSION_KEY = "questionnaire"
QUESTIONS_PER_STEP = 5


class State:
    """What the visitor has answered, which questions were asked, and the steps taken (to go back)."""

    def __init__(self, session):
        self.session = session
        data = session.get(SESSION_KEY) or {}
        self.answers: dict[str, object] = dict(data.get("answers", {}))
        self.asked: list[str] = list(data.get("asked", []))
        self.steps: list[list[str]] = [list(s) for s in data.get("steps", [])]
        self.current: list[str] = list(data.get("current", []))
        # the topics the enterprise ticked (what it has or plans); None: not chosen yet, so every topic
        topics = data.get("topics")
        self.topics: list[str] | None = list(topics) if topics is not None else None

    def save(self) -> None:
        self.session[SESSION_KEY] = {"answers": self.answers, "asked": self.asked, "steps": self.steps,
                                     "current": self.current, "topics": self.topics}

    @property
    def city(self) -> str | None:
        return self.answers.get("city")  # type: ignore[return-value]

    def start(self, city: str, saved: dict | None = None) -> None:
        """Begin again for a city, keeping the answers given so far (or those saved for the enterprise)."""
        previous = saved if saved is not None else self.answers
        self.answers = {**{k: v for k, v in previous.items() if k != "city"}, "city": city}
        self.asked, self.steps, self.current = ["city"], [["city"]], []
        self.topics = None
        self.save()

    def choose_topics(self, topics: list[str]) -> None:
        """Ask by these topics from now on; what was asked for others stays asked."""
        self.topics = list(topics)
        self.current = []
        self.save()

    def change(self, key: str, value: object) -> None:
        """One answer changed from the results page: recorded as asked, the steps taken left as they are."""
        self._put(key, value)
        if key not in self.asked:
            self.asked.append(key)
        self.current = [k for k in self.current if k != key]
        self.save()

    def clear(self) -> None:
        """Begin again: no answers, no city, no topics."""
        self.answers, self.asked, self.steps, self.current, self.topics = {}, [], [], [], None
        self.save()

    def _put(self, key: str, value: object) -> None:
        if value is None:
            self.answers.pop(key, None)
        else:
            self.answers[key] = (value if isinstance(value, (bool, str))
                                 else "；".join(map(str, value)) if isinstance(value, tuple) else str(value))

    def record(self, keys: list[str], values: dict[str, object]) -> None:
        for key in keys:
            self._put(key, values.get(key))
            if key not in self.asked:
                self.asked.append(key)
        self.steps.append(keys)
        self.current = []
        self.save()

    def show(self, keys: list[str]) -> None:
        """Remember the questions on screen: their answers are checked against these, without working them out again."""
        if keys != self.current:
            self.current = list(keys)
            self.save()

    def back(self) -> None:
        if len(self.steps) > 1:
            keys = self.steps.pop()
            self.asked = [key for key in self.asked if key not in keys]
            self.current = keys
            self.save()


BOOL_CHOICES = [("true", _("是")), ("false", _("否")), ("", _("不清楚"))]


class StepForm(forms.Form):
    """The questions of one step; every answer may be left blank ("don't know")."""

    def __init__(self, *args, facts: list[Fact], specs: dict[str, FactSpec], initial_answers: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.specs = specs
        self.keys = [fact.key for fact in facts]
        for fact in facts:
            help_text = fact.help_text
            initial = initial_answers.get(fact.key)
            if fact.type == Fact.Type.BOOL:
                field = forms.ChoiceField(choices=BOOL_CHOICES, widget=forms.RadioSelect, required=False)
                initial = "" if initial is None else ("true" if initial else "false")
            elif fact.type == Fact.Type.CHOICE:
                field = forms.ChoiceField(choices=[("", _("不清楚"))] + [(c["value"], c["label"]) for c in fact.choices],
                                          required=False)
            elif fact.type == Fact.Type.DATE:
                field = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
            else:
                field = forms.CharField(required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
                if fact.unit:
                    help_text = f"{_('单位')}：{fact.unit}" + (f"。{help_text}" if help_text else "")
                if fact.per_project:
                    help_text = f"{help_text}。{_('有多个项目的，每个项目填一个数，用“；”分隔')}" if help_text else \
                        _("有多个项目的，每个项目填一个数，用“；”分隔")
            field.label = fact.label
            field.help_text = help_text
            field.initial = initial
            self.fields[fact.key] = field
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        values: dict[str, object] = {}
        for key in self.keys:
            raw = cleaned.get(key)
            try:
                values[key] = coerce_answer(self.specs[key], raw, today=timezone.localdate())
            except AnswerError as exc:
                self.add_error(key, exc.message)
        self.values = values
        return cleaned


def typed_answers(answers: dict[str, object], specs: dict[str, FactSpec]) -> dict[str, object]:
    """The session keeps JSON; the engine wants Decimals and dates."""
    typed, today = {}, timezone.localdate()
    for key, value in answers.items():
        spec = specs.get(key)
        if spec is None:
            continue
        try:
            typed_value = coerce_answer(spec, value, today=today)
        except AnswerError:
            continue
        if typed_value is not None:
            typed[key] = typed_value
    return typed
