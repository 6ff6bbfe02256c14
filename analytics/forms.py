"""The usage page's filters: the same ones the REST usage list takes, as a GET form."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django import forms
from django.utils import timezone

from analytics.models import UsageSource, UsageStatus
from analytics.selectors import UsageFilters, usage_filter_choices
from workspaces.models import Workspace

DEFAULT_DAYS = 7


def _everything(label: str, values: list[str]) -> list[tuple[str, str]]:
    return [("", label), *((value, value) for value in values)]


class UsageFilterForm(forms.Form):
    start = forms.DateField(
        required=False, label="From", widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        required=False, label="To", widget=forms.DateInput(attrs={"type": "date"})
    )
    provider = forms.ChoiceField(required=False)
    model = forms.ChoiceField(required=False, label="Model asked for")
    source = forms.ChoiceField(required=False, choices=[("", "Any source"), *UsageSource.choices])
    status = forms.ChoiceField(required=False, choices=[("", "Any status"), *UsageStatus.choices])

    def __init__(self, data: Any = None, *, workspace: Workspace) -> None:
        given = data is not None and any(name in data for name in self.base_fields)
        super().__init__(data if given else self.default_data())
        choices = usage_filter_choices(workspace=workspace)
        self.fields["provider"].choices = _everything("Any provider", choices["providers"])  # type: ignore[attr-defined]  # fields[] is typed as Field
        self.fields["model"].choices = _everything("Any model", choices["models"])  # type: ignore[attr-defined]  # fields[] is typed as Field

    @staticmethod
    def default_data() -> dict[str, str]:
        """The last ``DEFAULT_DAYS`` UTC days, today included, when no filter was given."""
        today = timezone.now().date()
        return {"start": str(today - timedelta(days=DEFAULT_DAYS - 1)), "end": str(today)}

    def cleaned(self) -> dict[str, Any]:
        """The fields that validated; a bad one filters nothing rather than hiding every row."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def filters(self) -> UsageFilters:
        data = self.cleaned()
        return UsageFilters(
            start=_midnight(data["start"]) if "start" in data else None,
            end=_midnight(data["end"] + timedelta(days=1)) if "end" in data else None,
            provider=data.get("provider"),
            model=data.get("model"),
            source=data.get("source"),
            status=data.get("status"),
        )

    def api_params(self) -> dict[str, str]:
        """The same filters as the REST usage list's query (``from`` and ``to`` inclusive)."""
        data = self.cleaned()
        names = {"start": "from", "end": "to"}
        return {names.get(name, name): str(value) for name, value in data.items()}


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=UTC)
