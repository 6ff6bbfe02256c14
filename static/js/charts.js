// Draws the plotly figures the server built (analytics/chart_html.py): each
// <div data-figure> holds its figure's JSON, so the page needs no inline script.
(function () {
  "use strict";

  function draw(root) {
    root.querySelectorAll("[data-figure]:not(.js-plotly-plot)").forEach((element) => {
      const figure = JSON.parse(element.dataset.figure);
      window.Plotly.newPlot(element, figure.data, figure.layout, JSON.parse(element.dataset.config));
    });
  }

  if (window.htmx) {
    window.htmx.onLoad(draw); // the page, and every fragment htmx swaps in
  } else {
    document.addEventListener("DOMContentLoaded", () => draw(document));
  }
})();
