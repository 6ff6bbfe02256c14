"""A plotly figure as the pages embed it: a ``<div>`` carrying the figure's JSON, which
``static/js/charts.js`` draws. plotly's own HTML fragment runs an inline script, which the
pages' Content-Security-Policy (no inline script) refuses."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io
from django.utils.html import format_html
from django.utils.safestring import SafeString

CHART_CONFIG = {"displaylogo": False, "responsive": True, "modeBarButtonsToRemove": ["lasso2d"]}


def figure_html(figure: go.Figure) -> SafeString:
    """Needs ``vendor/plotly/plotly-basic.min.js`` and ``js/charts.js`` on the page."""
    return format_html(
        '<div class="plotly-graph-div chart" data-figure="{}" data-config="{}"></div>',
        plotly.io.to_json(figure, validate=False),
        json.dumps(CHART_CONFIG),
    )
