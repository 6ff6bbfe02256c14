"""What the benchmark commands share: free loopback ports, waiting for a started process to
listen, and the ``bench`` workspace with an inference key, so each benchmark drives a real
hub worker the way a client would."""

from __future__ import annotations

import socket
import subprocess
import time

from django.contrib.auth import get_user_model

from workspaces import services
from workspaces.access import Actor
from workspaces.models import ApiKeyScope, Membership, Workspace

START_TIMEOUT_S = 60


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_wait(port: int, process: subprocess.Popen, what: str) -> None:
    """Until ``process`` listens on ``port``; RuntimeError if it exits or takes over a minute."""
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{what} did not start") from None
            time.sleep(0.1)


def processes_stop(*processes: subprocess.Popen, timeout: float = 15) -> None:
    for process in processes:
        process.terminate()
        process.wait(timeout=timeout)


def bench_workspace() -> Workspace:
    """The ``bench`` workspace, made (with its owner) on first use."""
    return _bench_owner().workspace


def bench_key(name: str) -> str:
    """A fresh inference key of the bench workspace's owner; the raw key."""
    owner = _bench_owner()
    actor = Actor(user=owner.user, workspace=owner.workspace, role=owner.role)
    return services.api_key_create(actor=actor, name=name, scopes=[ApiKeyScope.INFERENCE])[1]


def _bench_owner() -> Membership:
    owner = (
        Membership.objects.filter(role="owner", workspace__slug="bench")
        .select_related("user", "workspace")
        .first()
    )
    if owner is None:
        user = get_user_model().objects.create_user("bench-owner", password=None)
        workspace = services.workspace_create(name="Bench", owner=user)
        owner = Membership.objects.select_related("user", "workspace").get(
            user=user, workspace=workspace
        )
    return owner
