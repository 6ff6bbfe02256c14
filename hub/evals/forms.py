"""Browser forms of evaluations. They parse; ``hub.evals.services`` owns the rules."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from hub.evals.models import Run, Suite
from hub.evals.services import MAX_REPEATS, SuiteFields
from hub.prompts.models import PromptVersion

ASSERTIONS_HELP = (
    'A JSON list checked on every answer, e.g. [{"type": "contains", "value": ["{{expected}}"]}]. '
    "Types: equals, contains, regex, is-json, json-schema, tool-call, latency, cost; each may "
    'have a "weight". Case files may add their own.'
)


class SuiteForm(forms.Form):
    name = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}), required=False)
    models = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "class": "mono"}),
        help_text="One model or alias per line, as /v1 takes them (provider/model).",
    )
    repeats = forms.IntegerField(
        min_value=1, max_value=MAX_REPEATS, initial=1,
        help_text="Times each case is asked of each model: more repeats, tighter intervals.",
    )  # fmt: skip
    temperature = forms.FloatField(min_value=0, max_value=2, required=False)
    max_tokens = forms.IntegerField(min_value=1, max_value=1_000_000, required=False)
    assertions = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        required=False,
        help_text=ASSERTIONS_HELP,
    )
    pairwise_model = forms.CharField(
        max_length=200, required=False, label="Pairwise judge",
        help_text="Optional: a model that compares each case's answers of two models, in both "
        "orders, for the leaderboard.",
    )  # fmt: skip
    pairwise_rubric = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2}), required=False, label="Pairwise rubric",
        help_text="What makes one answer better than the other.",
    )  # fmt: skip

    feeds_routing = forms.BooleanField(
        required=False, label="Feed routing",
        help_text="Each finished run gives routing the models' pass rates as quality scores, "
        "for the quality and balanced strategies.",
    )  # fmt: skip

    def __init__(self, *args: Any, known_models: set[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.known_models = known_models

    @classmethod
    def initial_for(cls, suite: Suite) -> dict[str, Any]:
        return {
            "name": suite.name,
            "description": suite.description,
            "models": "\n".join(suite.model_names),
            "repeats": suite.repeats,
            "temperature": suite.params.get("temperature"),
            "max_tokens": suite.params.get("max_tokens"),
            "assertions": json.dumps(suite.assertions, indent=2) if suite.assertions else "",
            "pairwise_model": suite.pairwise.get("model", ""),
            "pairwise_rubric": suite.pairwise.get("rubric", ""),
            "feeds_routing": suite.feeds_routing,
        }

    def clean_models(self) -> list[str]:
        names = [line.strip() for line in self.cleaned_data["models"].splitlines() if line.strip()]
        if self.known_models is not None:
            unknown = [name for name in names if name not in self.known_models]
            if unknown:
                raise ValidationError(
                    f"No model or alias {', '.join(unknown)} in this workspace's catalog."
                )
        return names

    def clean_assertions(self) -> list[Any]:
        raw = self.cleaned_data["assertions"].strip()
        if not raw:
            return []
        try:
            value = json.loads(raw)
        except ValueError as error:
            raise ValidationError(f"Not JSON: {error}.") from None
        except RecursionError:
            raise ValidationError("The JSON is nested too deeply.") from None
        if not isinstance(value, list):
            raise ValidationError("A JSON list of assertions, [...].")
        return value

    def fields_value(self) -> SuiteFields:
        data = self.cleaned_data
        params = {
            name: data[name] for name in ("temperature", "max_tokens") if data.get(name) is not None
        }
        judge, rubric = data["pairwise_model"].strip(), data["pairwise_rubric"].strip()
        return SuiteFields(
            name=data["name"], description=data["description"], model_names=data["models"],
            repeats=data["repeats"], params=params, assertions=data["assertions"],
            pairwise={"model": judge, "rubric": rubric} if judge or rubric else {},
            feeds_routing=data["feeds_routing"],
        )  # fmt: skip


class VersionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.template.name} v{obj.number}"


class RunChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"#{obj.number} ({obj.get_status_display().lower()})"


class PromptAddForm(forms.Form):
    """A version of the prompt library, or a text of the suite's own."""

    version = VersionChoiceField(
        queryset=PromptVersion.objects.none(), required=False, label="Library version",
        empty_label="— the text below instead —",
    )  # fmt: skip
    label = forms.CharField(max_length=200, required=False, help_text="Defaults to its name.")
    system_prompt = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "class": "mono"}), required=False
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4, "class": "mono"}),
        required=False,
        help_text="Write {{name}} where a case's value goes in.",
    )

    def __init__(self, *args: Any, versions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["version"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = versions if versions is not None else PromptVersion.objects.none()


class CasesImportForm(forms.Form):
    file = forms.FileField(
        help_text="CSV (a column per variable; _key, _tags, _assertions reserved) or JSONL "
        '({"key", "vars", "tags", "assertions"} per line). A key already here is updated.'
    )


class RunStartForm(forms.Form):
    use_cache = forms.BooleanField(
        required=False, initial=True, label="Reuse cached answers",
        help_text="An identical request (prompt, model, parameters, case, repeat) answered "
        "before is not called again.",
    )  # fmt: skip
    baseline = RunChoiceField(
        queryset=Run.objects.none(), required=False, empty_label="— none —",
        help_text="Compare with this run when it ends.",
    )  # fmt: skip

    def __init__(self, *args: Any, runs: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["baseline"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = runs if runs is not None else Run.objects.none()
