"""The hub's side of the inference worker: read its status and send it load/unload/pin
commands. The provider's credential, when set, is the worker's HUB_INFERENCE_TOKEN."""

from __future__ import annotations

from typing import Any

import httpx

from providers.adapters.registry import api_root
from providers.models import Provider

ACTIONS = ("load", "unload", "pin", "unpin", "rescan")


class WorkerUnavailable(Exception):
    """The worker did not answer or refused; the message is safe to show."""


def _request(provider: Provider, method: str, path: str, body: dict | None = None) -> Any:
    root = api_root(provider)  # http://host:port/v1
    headers = {}
    if provider.credential is not None:
        headers["authorization"] = f"Bearer {provider.credential.reveal_secret()}"
    try:
        response = httpx.request(
            method, root.rstrip("/") + path, json=body, headers=headers, timeout=60, trust_env=False
        )
    except httpx.HTTPError as error:
        raise WorkerUnavailable(
            f"The inference worker at {root} did not answer ({type(error).__name__})."
        ) from None
    try:
        data = response.json()
    except ValueError:
        raise WorkerUnavailable(
            f"The inference worker answered HTTP {response.status_code} without JSON."
        ) from None
    if response.status_code >= 400:
        message = (data.get("error") or {}).get("message") if isinstance(data, dict) else None
        raise WorkerUnavailable(
            message or f"The inference worker answered HTTP {response.status_code}."
        )
    return data


def worker_status(provider: Provider) -> dict[str, Any]:
    return _request(provider, "GET", "/system")


def worker_control(provider: Provider, action: str, model: str) -> dict[str, Any]:
    if action not in ACTIONS:
        raise ValueError(f"Unknown action {action!r}")
    return _request(provider, "POST", f"/system/{action}", {"model": model})
