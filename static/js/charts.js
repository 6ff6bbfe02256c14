// Draws the plotly figures the server built (analytics/chart_html.py): each
// <div data-figure> holds its figure's JSON, so the page needs no inline script. Colours
// of text, grid and background follow the page's theme tokens, and change with it.
(function () {
  "use strict";

  function themed() {
    const style = getComputedStyle(document.documentElement);
    const text = style.getPropertyValue("--text-muted").trim();
    const grid = style.getPropertyValue("--chart-grid").trim();
    return {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      "font.color": text,
      "xaxis.gridcolor": grid,
      "yaxis.gridcolor": grid,
      "xaxis.linecolor": grid,
      "yaxis.linecolor": grid,
      "xaxis.zerolinecolor": grid,
      "yaxis.zerolinecolor": grid,
    };
  }

  function withTheme(layout) {
    const merged = { ...layout };
    for (const [path, value] of Object.entries(themed())) {
      const [head, tail] = path.split(".");
      if (tail) merged[head] = { ...(merged[head] || {}), [tail]: value };
      else merged[head] = value;
    }
    return merged;
  }

  function draw(root) {
    root.querySelectorAll("[data-figure]:not(.js-plotly-plot)").forEach((element) => {
      const figure = JSON.parse(element.dataset.figure);
      const config = JSON.parse(element.dataset.config);
      window.Plotly.newPlot(element, figure.data, withTheme(figure.layout), config);
    });
  }

  document.addEventListener("hub:themechange", () => {
    document.querySelectorAll(".js-plotly-plot").forEach((element) => {
      window.Plotly.relayout(element, themed());
    });
  });

  if (window.htmx) {
    window.htmx.onLoad(draw); // the page, and every fragment htmx swaps in
  } else {
    document.addEventListener("DOMContentLoaded", () => draw(document));
  }
})();
