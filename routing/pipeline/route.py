"""Route step: turn the requested model (``provider/model`` or an alias) into the ordered
deployments to try, with the ``x-hub-route`` label and a one-sentence reason.

Both are looked up in the workspace's one map of deployments (routing.pipeline.
workspace_routing). Aliases go through the workspace's rules and their strategy; an explicit
``provider/model`` is one candidate, still checked for context size and capabilities. Live
numbers (recent latency, in-flight calls, open breakers) are filled in per request.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Iterator

from providers.adapters.base import JSON
from providers.deployments import Deployment
from routing.pipeline.call_log import CallLog
from routing.pipeline.errors import ApiError
from routing.pipeline.live_stats import stats_for
from routing.pipeline.tokens import tokens_in_messages
from routing.pipeline.workspace_routing import WorkspaceRouting
from routing.reliability import BudgetState, breaker_backend, breaker_config, deployment_key
from routing.strategies import (
    Candidate,
    Route,
    RouteDecision,
    RouteRequest,
    Rule,
    route_decide,
)
from workspaces.access import Actor

DEFAULT_EXPECTED_OUTPUT = 256  # tokens, when the caller sets no max_tokens
JSON_FORMATS = ("json_object", "json_schema")


def route_request(
    actor: Actor, body: JSON, *, task: str, budget_state: BudgetState
) -> RouteRequest:
    """The request's routing facts; its prompt is counted here, once per call."""
    needs = set()
    if body.get("tools"):
        needs.add("tools")
    # Chat bodies were validated; an embeddings body may carry stray chat fields of any type.
    response_format = body.get("response_format")
    if isinstance(response_format, dict) and response_format.get("type") in JSON_FORMATS:
        needs.add("json")
    messages = body.get("messages")
    messages = [m for m in messages if isinstance(m, dict)] if isinstance(messages, list) else []
    if _has_images(messages):
        needs.add("vision")
    return RouteRequest(
        prompt_tokens=tokens_in_messages(messages),
        output_tokens=_expected_output(body),
        needs=frozenset(needs),
        task=task,
        api_key_id=actor.api_key_id,
        budget_state=budget_state,
    )


def _expected_output(body: JSON) -> int:
    """The caller's max_tokens when it is a positive whole number, else a typical answer."""
    for name in ("max_tokens", "max_completion_tokens"):
        value = body.get(name)
        if isinstance(value, int) and not isinstance(value, bool) and value > 0:
            return value
    return DEFAULT_EXPECTED_OUTPUT


async def route(
    log: CallLog, body: JSON, routing: WorkspaceRouting, request: RouteRequest
) -> list[Deployment]:
    """The deployments to try, in order; 404 for an unknown model, 400 when none can serve."""
    decision = await route_decision(body["model"], routing, request)
    log.route_label, log.route_reason = decision.label, decision.reason
    if not decision.candidates:
        raise ApiError(
            f"No candidate can serve this request: {decision.reason}.",
            status=400, code="no_candidate", param="model",
        )  # fmt: skip
    return [c.deployment for c in decision.candidates]


async def route_decision(
    model: str, routing: WorkspaceRouting, request: RouteRequest
) -> RouteDecision:
    """How ``model`` is routed for ``request`` now, live numbers and open breakers included;
    404 ApiError for an unknown model. The route step and the routing page's dry run
    (routing.pipeline.dry_run) both decide here, so a dry run cannot disagree with a call."""
    base, rules, aliases = _requested(model, routing)
    if request.task and routing.quality:  # scores measured for this task tag come first
        base, rules, aliases = _for_task(base, rules, aliases, routing, request.task)
    opened = await _open_breakers(_reachable(base, rules, aliases))
    return route_decide(
        request,
        _live_route(base, opened),
        rules=[dataclasses.replace(r, candidates=_live(r.candidates, opened)) for r in rules],
        aliases={name: _live_route(r, opened) for name, r in aliases.items()},
    )


def _requested(
    model: str, routing: WorkspaceRouting
) -> tuple[Route, tuple[Rule, ...], dict[str, Route]]:
    """The route ``model`` names, with the rules and aliases that may re-route it: none for an
    explicit ``provider/model``, the workspace's for an alias."""
    if "/" in model:
        deployment = routing.deployments.get(model)
        if deployment is None:
            raise ApiError(
                f"The model {model!r} does not exist in this workspace or is disabled. "
                "Address models as <provider slug>/<model>; GET /v1/models lists them.",
                status=404, code="model_not_found", param="model",
            )  # fmt: skip
        return Route(model, (Candidate(deployment),)), (), {}
    if model not in routing.aliases:
        raise ApiError(
            f"The model {model!r} is neither an alias of this workspace nor provider/model. "
            "GET /v1/models lists both.",
            status=404, code="model_not_found", param="model",
        )  # fmt: skip
    return routing.aliases[model], routing.rules, routing.aliases


def _for_task(
    base: Route, rules: tuple[Rule, ...], aliases: dict[str, Route], routing: WorkspaceRouting,
    task: str,
) -> tuple[Route, tuple[Rule, ...], dict[str, Route]]:  # fmt: skip
    def scored(candidates: tuple[Candidate, ...]) -> tuple[Candidate, ...]:
        out = []
        for c in candidates:
            measured = routing.quality.get((c.label, task))
            out.append(
                dataclasses.replace(c, quality=measured[0], quality_source=measured[1])
                if measured else c
            )  # fmt: skip
        return tuple(out)

    def rerouted(route_: Route) -> Route:
        return Route(route_.name, scored(route_.candidates), route_.strategy)

    return (
        rerouted(base),
        tuple(dataclasses.replace(r, candidates=scored(r.candidates)) for r in rules),
        {name: rerouted(r) for name, r in aliases.items()},
    )


def _has_images(messages: list[JSON]) -> bool:
    return any(
        isinstance(part, dict) and part.get("type") == "image_url"
        for message in messages
        if isinstance(message.get("content"), list)
        for part in message["content"]
    )


def _reachable(
    base: Route, rules: Iterable[Rule], aliases: dict[str, Route]
) -> Iterator[Candidate]:
    """Every candidate the decision may pick: the route's, and those rules can send to."""
    yield from base.candidates
    for rule in rules:
        yield from rule.candidates
        if rule.alias in aliases:
            yield from aliases[rule.alias].candidates


async def _open_breakers(candidates: Iterable[Candidate]) -> set[str]:
    keys = {
        deployment_key(c.deployment.provider_id, c.deployment.model): c.label for c in candidates
    }
    if not keys:
        return set()
    opened = await breaker_backend().open_keys(keys, breaker_config())
    return {keys[k] for k in opened}


def _live(candidates: tuple[Candidate, ...], opened: set[str]) -> tuple[Candidate, ...]:
    live = []
    for c in candidates:
        stats = stats_for(c.deployment)
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
