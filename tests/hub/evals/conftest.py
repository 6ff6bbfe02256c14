"""Fixtures of the evaluation tests."""

from __future__ import annotations

import pytest

from tests.simulated import Simulator


@pytest.fixture(scope="session")
def slow_answers():
    """A simulator that waits 300 ms before each answer, like a real model."""
    sim = Simulator("--latency-ms", "300")
    yield sim
    sim.stop()
