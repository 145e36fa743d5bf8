/* Draw every [data-chart] element from the JSON block named by data-source (CSP-safe: no inline script). */
(function () {
  "use strict";
  function draw(el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.values.length) {
      el.classList.add("chart-empty");
      el.textContent = el.dataset.empty || "";
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: ["#b71c1c"],
      grid: { left: 48, right: 16, top: 16, bottom: 72 },
      tooltip: { trigger: "axis", renderMode: "richText" },  // richText: no inline styles under the CSP
      xAxis: { type: "category", data: data.labels, axisLabel: { rotate: 40, interval: 0, fontSize: 11 } },
      yAxis: { type: "value", minInterval: el.dataset.integer ? 1 : 0 },
      series: [{ type: el.dataset.chart || "bar", data: data.values }]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  document.querySelectorAll("[data-chart]").forEach(draw);
})();
