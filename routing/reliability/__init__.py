"""Reliability engines the pipeline calls per request: circuit breakers, retry policy and
timeouts, admission limits (rate limits, quotas) and budgets.

Dependencies run one way: ``backends`` picks Redis or in-process implementations;
``*_redis`` modules implement the contracts in their plain-named siblings; ``periods``
and ``redis_store`` depend on nothing here; ``config`` reads the breaker and retry settings.
No module touches the database.
"""

from routing.reliability.backends import (
    breaker_backend,
    budget_ledger,
    circuit_breaker_for,
    local_backends_reset,
    rate_limiter,
)
from routing.reliability.breakers import (
    BreakerConfig,
    BreakerPermit,
    CircuitBreaker,
    deployment_key,
)
from routing.reliability.budgets import (
    Budget,
    BudgetCrossing,
    BudgetState,
    BudgetStatus,
    Rejection,
    Reservation,
    ScopeKind,
    budget_state,
    budgets_state,
    cost_micro_usd,
    micro_usd,
    status_refusal,
)
from routing.reliability.config import breaker_config, retry_policy
from routing.reliability.limits import (
    Admitted,
    LimitCharge,
    Quota,
    RateLimit,
    Throttled,
    api_key_limits,
    workspace_quota,
)
from routing.reliability.periods import Period
from routing.reliability.retries import (
    CandidateTimeouts,
    FailureAction,
    RetryPolicy,
    failure_action,
    retry_delay,
    should_retry_same,
)

__all__ = [
    "Admitted",
    "BreakerConfig",
    "BreakerPermit",
    "Budget",
    "BudgetCrossing",
    "BudgetState",
    "BudgetStatus",
    "CandidateTimeouts",
    "CircuitBreaker",
    "FailureAction",
    "LimitCharge",
    "Period",
    "Quota",
    "RateLimit",
    "Rejection",
    "Reservation",
    "RetryPolicy",
    "ScopeKind",
    "Throttled",
    "api_key_limits",
    "breaker_backend",
    "breaker_config",
    "budget_ledger",
    "budget_state",
    "budgets_state",
    "circuit_breaker_for",
    "cost_micro_usd",
    "deployment_key",
    "failure_action",
    "local_backends_reset",
    "micro_usd",
    "rate_limiter",
    "retry_delay",
    "retry_policy",
    "should_retry_same",
    "status_refusal",
    "workspace_quota",
]
