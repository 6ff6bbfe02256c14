"""REST shapes of evaluations. They check types and lengths; the rules live in
``hub.evals.services``."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from hub.evals.models import Cell, Run, Suite, SuitePrompt
from hub.evals.selectors import Column, Progress, RunComparison
from hub.evals.services import MAX_MODELS, MAX_REPEATS


class SuitePromptSerializer(serializers.ModelSerializer):
    class Meta:
        model = SuitePrompt
        fields = ["id", "position", "label", "version", "system_prompt", "body"]
        read_only_fields = fields


class SuiteSerializer(serializers.ModelSerializer):
    prompts = SuitePromptSerializer(many=True, read_only=True)
    case_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Suite
        fields = [
            "id", "name", "description", "model_names", "repeats", "params", "assertions",
            "pairwise", "feeds_routing", "prompts", "case_count", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = fields


class SuiteWriteSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(
        max_length=5000, required=False, allow_blank=True, default=""
    )
    model_names = serializers.ListField(
        child=serializers.CharField(max_length=200), max_length=MAX_MODELS, required=False,
        default=list, help_text="Models and aliases as /v1 takes them (provider/model).",
    )  # fmt: skip
    repeats = serializers.IntegerField(
        min_value=1, max_value=MAX_REPEATS, required=False, default=1
    )
    params = serializers.DictField(
        required=False, default=dict, help_text="temperature, top_p, max_tokens."
    )
    assertions = serializers.ListField(
        child=serializers.DictField(), max_length=50, required=False, default=list,
        help_text="Checked on every answer; see the README for each type.",
    )  # fmt: skip
    pairwise = serializers.DictField(
        required=False, default=dict,
        help_text='{"model": judge, "rubric": text}: judge answers of two models in pairs.',
    )  # fmt: skip
    feeds_routing = serializers.BooleanField(
        required=False, default=False,
        help_text="Each finished run gives routing the models' pass rates as quality scores.",
    )  # fmt: skip


class SuitePromptWriteSerializer(serializers.Serializer):
    version = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A prompt library version id."
    )
    label = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    system_prompt = serializers.CharField(
        max_length=100_000, required=False, allow_blank=True, default=""
    )
    body = serializers.CharField(max_length=100_000, required=False, allow_blank=True, default="")


class CasesUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A .csv or .jsonl file of cases.")


class RefusedRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    reason = serializers.CharField()


class CasesImportedSerializer(serializers.Serializer):
    added = serializers.IntegerField()
    updated = serializers.IntegerField()
    refused = RefusedRowSerializer(many=True)

    def to_representation(self, instance: Any) -> dict[str, Any]:
        return {
            "added": instance.added,
            "updated": instance.updated,
            "refused": [{"row": row, "reason": reason} for row, reason in instance.refused],
        }


class RunStartSerializer(serializers.Serializer):
    use_cache = serializers.BooleanField(required=False, default=True)
    baseline = serializers.IntegerField(
        required=False, allow_null=True, default=None, help_text="A run number of the suite."
    )


class IntervalSerializer(serializers.Serializer):
    estimate = serializers.FloatField()
    low = serializers.FloatField()
    high = serializers.FloatField()


class RunProgressSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    finished = serializers.IntegerField()
    done = serializers.IntegerField()
    errors = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    pending = serializers.IntegerField()
    percent = serializers.IntegerField()
    cache_hits = serializers.IntegerField()
    cost_usd = serializers.DecimalField(max_digits=14, decimal_places=8)
    saved_usd = serializers.DecimalField(max_digits=14, decimal_places=8)


class ColumnSerializer(serializers.Serializer):
    prompt_label = serializers.CharField()
    model_name = serializers.CharField()
    cells = serializers.IntegerField()
    passed = serializers.IntegerField()
    errors = serializers.IntegerField()
    pass_rate = IntervalSerializer(help_text="With its Wilson 95 % interval.")
    mean_score = serializers.FloatField(allow_null=True)
    median_latency_ms = serializers.FloatField(allow_null=True)
    cost_usd = serializers.DecimalField(max_digits=14, decimal_places=8)


class ComparisonSerializer(serializers.Serializer):
    baseline = serializers.IntegerField(help_text="The baseline's run number.")
    verdict = serializers.CharField()
    cells = serializers.IntegerField()
    p_value = serializers.FloatField(help_text="McNemar's exact test on pass/fail.")
    significant = serializers.BooleanField()
    regression = serializers.BooleanField()
    score_difference = IntervalSerializer(help_text="Paired bootstrap, 95 %.")
    now_failing = serializers.ListField(child=serializers.CharField())
    now_passing = serializers.ListField(child=serializers.CharField())
    only_in_baseline = serializers.ListField(child=serializers.CharField())
    only_in_candidate = serializers.ListField(child=serializers.CharField())


class RunSerializer(serializers.ModelSerializer):
    suite = serializers.PrimaryKeyRelatedField(read_only=True)
    baseline = serializers.SlugRelatedField(slug_field="number", read_only=True)

    class Meta:
        model = Run
        fields = [
            "id", "suite", "number", "status", "use_cache", "model_names", "repeats", "params",
            "pairwise", "baseline", "cells_total", "error", "created_at", "started_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class RunDetailSerializer(RunSerializer):
    progress = RunProgressSerializer(read_only=True)
    columns = ColumnSerializer(many=True, read_only=True)
    comparison = ComparisonSerializer(read_only=True, allow_null=True)

    class Meta(RunSerializer.Meta):
        fields = [*RunSerializer.Meta.fields, "progress", "columns", "comparison"]
        read_only_fields = fields


def comparison_json(baseline: Run, run: Run, compared: RunComparison) -> dict[str, Any]:
    c = compared.comparison
    return {
        "baseline": baseline.number, "verdict": compared.verdict(baseline, run),
        "cells": c.cases, "p_value": c.p_value, "significant": c.significant,
        "regression": c.regression,
        "score_difference": {"estimate": c.score.estimate, "low": c.score.low,
                             "high": c.score.high},
        "now_failing": c.only_baseline, "now_passing": c.only_candidate,
        "only_in_baseline": compared.only_in_baseline,
        "only_in_candidate": compared.only_in_candidate,
    }  # fmt: skip


def run_detail_json(
    run: Run, progress: Progress, columns: list[Column], comparison: dict[str, Any] | None
) -> dict[str, Any]:
    data = dict(RunSerializer(run).data)
    data["progress"] = RunProgressSerializer(progress).data
    data["columns"] = ColumnSerializer(columns, many=True).data
    data["comparison"] = comparison
    return data


class CellSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cell
        fields = [
            "id", "case_key", "prompt_label", "model_name", "repeat", "tags", "status",
            "messages", "output", "tool_calls", "verdicts", "passed", "score", "latency_ms",
            "cost_usd", "input_tokens", "output_tokens", "cached", "saved_usd", "answered_by",
            "request_id", "error", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class RatingSerializer(serializers.Serializer):
    model = serializers.CharField()
    rating = serializers.FloatField(help_text="Elo scale: 1000 is the average model.")
    low = serializers.FloatField()
    high = serializers.FloatField()
    games = serializers.IntegerField()


class LeaderboardSerializer(serializers.Serializer):
    ratings = RatingSerializer(many=True)
    duels = serializers.IntegerField()
    by_source = serializers.DictField(child=serializers.IntegerField())
    style_effects = serializers.DictField(child=serializers.FloatField(), allow_null=True)
