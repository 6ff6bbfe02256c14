"""The charts' JavaScript is plotly.js's basic bundle, vendored from npm
(``plotly.js-basic-dist-min``): a quarter of the full library's size, and enough for the
bar and scatter traces the pages draw. It must be the plotly.js the Python library writes
figures for, so upgrading plotly means updating the file."""

from __future__ import annotations

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

from analytics import charts
from analytics.health import charts as health_charts

VENDORED = Path(__file__).resolve().parents[2] / "static/vendor/plotly/plotly-basic.min.js"
BASIC_TRACES = {"bar", "scatter", "pie"}


def test_the_vendored_bundle_is_the_version_plotly_writes_for():
    header = VENDORED.read_text(encoding="utf-8")[:200]
    [version] = re.findall(r"plotly\.js \(basic - minified\) v(\S+)", header)
    assert version == get_plotlyjs_version()


def test_every_chart_uses_only_traces_the_basic_bundle_draws():
    sources = Path(charts.__file__).read_text() + Path(health_charts.__file__).read_text()
    used = {name.lower() for name in re.findall(r"go\.(\w+)\(", sources)} - {"figure"}
    assert used and used <= BASIC_TRACES, used
