/* The land progress trend (cumulative money agreed and paid, mu handed over) from the json_script block. CSP-safe. */
(function () {
  "use strict";
  document.querySelectorAll("[data-land-trend]").forEach(function (el) {
    var source = document.getElementById(el.dataset.source);
    if (!source || !window.echarts) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.months.length) {
      el.classList.add("chart-empty");
      el.textContent = el.dataset.empty || "";
      return;
    }
    function wan(values) { return values.map(function (v) { return Math.round(parseFloat(v) / 100) / 100; }); }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    chart.setOption({
      color: ["#b71c1c", "#2e7d32", "#1565c0"],
      legend: { top: 0, type: "scroll" },
      grid: { left: 56, right: 48, top: 44, bottom: 56, containLabel: false },
      tooltip: { trigger: "axis", renderMode: "richText" },
      xAxis: { type: "category", data: data.months, axisLabel: { rotate: 40, fontSize: 11 } },
      yAxis: [{ type: "value", name: el.dataset.labelAgreed.replace(/^.*\(|\).*$/g, "") }, { type: "value", name: el.dataset.labelHanded.replace(/^.*\(|\).*$/g, "") }],
      series: [
        { name: el.dataset.labelAgreed, type: "line", data: wan(data.agreed) },
        { name: el.dataset.labelPaid, type: "line", data: wan(data.paid) },
        { name: el.dataset.labelHanded, type: "bar", yAxisIndex: 1, data: data.handed_over_mu.map(parseFloat) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  });
})();
