"""Route step: turn the requested model (``provider/model`` or an alias) into the ordered
candidates to try, with the ``x-hub-route`` label and a one-sentence reason.

Aliases go through the workspace's rules and their strategy; an explicit ``provider/model`` is
one candidate, still checked for context size and capabilities. Live numbers (recent latency,
in-flight calls, open breakers) are filled in per request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from providers.adapters.base import JSON
from routing.pipeline.auth import Caller
from routing.pipeline.call_log import CallLog
from routing.pipeline.calling import breaker_config
from routing.pipeline.candidates import Candidate, candidates_for
from routing.pipeline.errors import ApiError
from routing.pipeline.live_stats import stats_for
from routing.pipeline.tokens import tokens_in_messages
from routing.pipeline.workspace_routing import WorkspaceRouting, strategy_candidate
from routing.reliability import breaker_backend, deployment_key
from routing.strategies import candidate as strategy
from routing.strategies.decide import Route, route_decide
from routing.strategies.rules import Rule

DEFAULT_EXPECTED_OUTPUT = 256  # tokens, when the caller sets no max_tokens


def route_request(
    caller: Caller, body: JSON, *, task: str, budget_state: str
) -> strategy.RouteRequest:
    needs = set()
    if body.get("tools"):
        needs.add("tools")
    if (body.get("response_format") or {}).get("type") in ("json_object", "json_schema"):
        needs.add("json")
    if _has_images(body.get("messages") or []):
        needs.add("vision")
    return strategy.RouteRequest(
        prompt_tokens=tokens_in_messages(body.get("messages") or []),
        output_tokens=int(
            body.get("max_tokens") or body.get("max_completion_tokens") or DEFAULT_EXPECTED_OUTPUT
        ),
        needs=frozenset(needs),
        task=task,
        api_key_id=caller.api_key_id,
        budget_state=budget_state,  # type: ignore[arg-type]  # admission passes "ok", "soft" or "hard"
    )


async def route(
    *,
    caller: Caller,
    body: JSON,
    log: CallLog,
    routing: WorkspaceRouting,
    request: strategy.RouteRequest,
) -> list[Candidate]:
    model = body["model"]
    if "/" in model:
        found = await candidates_for(caller=caller, model=model)
        deployments = {c.label: c for c in found}
        base = Route(model, tuple(strategy_candidate(c) for c in found), "ordered")
        rules: tuple[Rule, ...] = ()
        aliases: dict[str, Route] = {}
    else:
        if model not in routing.aliases:
            raise ApiError(
                f"The model {model!r} is neither an alias of this workspace nor provider/model. "
                "GET /v1/models lists both.",
                status=404, code="model_not_found", param="model",
            )  # fmt: skip
        deployments, base, rules, aliases = (
            routing.deployments,
            routing.aliases[model],
            routing.rules,
            routing.aliases,
        )
    opened = await _open_breakers(_all_candidates(base, rules, aliases))
    decision = route_decide(
        request,
        _live_route(base, opened),
        rules=[dataclasses.replace(r, candidates=_live(r.candidates, opened)) for r in rules],
        aliases={name: _live_route(r, opened) for name, r in aliases.items()},
    )
    log.route_label, log.route_reason = decision.label, decision.reason
    if not decision.candidates:
        raise ApiError(
            f"No candidate can serve this request: {decision.reason}.",
            status=400, code="no_candidate", param="model",
        )  # fmt: skip
    return [deployments[c.label] for c in decision.candidates if c.label in deployments]


def _has_images(messages: list[JSON]) -> bool:
    return any(
        isinstance(part, dict) and part.get("type") == "image_url"
        for message in messages
        if isinstance(message.get("content"), list)
        for part in message["content"]
    )


def _all_candidates(
    base: Route, rules: Iterable[Rule], aliases: dict[str, Route]
) -> set[strategy.Candidate]:
    """Every candidate the decision may pick: the route's, and those rules can send to."""
    found = set(base.candidates)
    for rule in rules:
        found.update(rule.candidates)
        if rule.alias in aliases:
            found.update(aliases[rule.alias].candidates)
    return found


async def _open_breakers(candidates: set[strategy.Candidate]) -> set[str]:
    keys = {deployment_key(c.provider_id, c.model): c.label for c in candidates}
    if not keys:
        return set()
    opened = await breaker_backend().open_keys(keys, breaker_config())
    return {keys[k] for k in opened}


def _live(
    candidates: tuple[strategy.Candidate, ...], opened: set[str]
) -> tuple[strategy.Candidate, ...]:
    live = []
    for c in candidates:
        stats = stats_for(c.label)
        live.append(
            dataclasses.replace(
                c, ttft_ms=stats.ttft_ms, tokens_per_second=stats.tokens_per_second,
                in_flight=stats.in_flight, availability=1.0 - stats.error_share,
                breaker_open=c.label in opened,
            )
        )  # fmt: skip
    return tuple(live)


def _live_route(route_: Route, opened: set[str]) -> Route:
    return Route(route_.name, _live(route_.candidates, opened), route_.strategy)
