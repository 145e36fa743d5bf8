/* Livelihood charts: every [data-lh-chart] element drawn from the JSON block named by data-source, which holds
   {categories: [...], series: [{name, data: [...]}, ...]} (several series side by side: targets and actuals,
   before and after). CSP-safe: no inline script, tooltips as rich text. */
(function () {
  "use strict";
  var COLOURS = ["#9e9e9e", "#b71c1c", "#1565c0", "#2e7d32"];
  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.categories.length) {
      el.classList.add("chart-empty");
      el.textContent = el.dataset.empty || "";
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: COLOURS,
      legend: { top: 0 },
      grid: { left: 64, right: 16, top: 32, bottom: 72 },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.categories, axisLabel: { rotate: 30, interval: 0, fontSize: 11 } },
      yAxis: { type: "value" },
      series: data.series.map(function (s) { return { name: s.name, type: el.dataset.lhChart || "bar", data: s.data }; })
    });
    el.dataset.drawn = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-lh-chart]").forEach(draw);
})();
