/* The dashboard charts (reports/dashboard/_panels.html): each [data-dashboard-chart] is drawn from the JSON
   block named by data-source ({labels, values, urls, unit}); a click on a bar or slice opens its rows.
   CSP-safe: no inline script; ECharts is loaded from the vendored copy when the page has not loaded it. */
(function () {
  "use strict";
  var me = document.currentScript;
  var echartsSrc = me && me.dataset.echartsSrc;

  function withEcharts(done) {
    if (window.echarts) { done(); return; }
    if (!echartsSrc) { return; }
    var existing = document.querySelector("script[data-lianxin-echarts]");
    if (existing) { existing.addEventListener("load", done); return; }
    var script = document.createElement("script");
    script.src = echartsSrc;
    script.dataset.lianxinEcharts = "1";
    script.addEventListener("load", done);
    document.head.appendChild(script);
  }

  function draw(el) {
    if (el.dataset.drawn) { return; }
    var source = document.getElementById(el.dataset.source);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    el.dataset.drawn = "1";
    if (!data.values.length) {
      el.classList.add("chart-empty");
      el.textContent = el.dataset.empty || "";
      return;
    }
    var chart = window.echarts.init(el, null, { renderer: "canvas" });
    var pie = el.dataset.dashboardChart === "pie";
    var series = pie
      ? { type: "pie", radius: ["35%", "65%"], data: data.labels.map(function (label, i) { return { name: label, value: data.values[i] }; }),
          label: { formatter: "{b}: {c}" } }
      : { type: "bar", data: data.values, cursor: "pointer" };
    var option = {
      color: ["#b71c1c", "#c62828", "#e57373", "#8d6e63", "#5d4037", "#ef9a9a", "#6d4c41"],
      tooltip: { trigger: pie ? "item" : "axis", renderMode: "richText" },
      series: [series]
    };
    if (!pie) {
      option.grid = { left: 56, right: 16, top: 16, bottom: 64 };
      option.xAxis = { type: "category", data: data.labels, axisLabel: { rotate: data.labels.length > 6 ? 40 : 0, interval: 0, fontSize: 11 } };
      option.yAxis = { type: "value" };
    }
    chart.setOption(option);
    chart.on("click", function (params) {
      var url = data.urls[params.dataIndex];
      if (url) { window.location.assign(url); }
    });
    el.dataset.chartReady = "1";
    window.addEventListener("resize", function () { chart.resize(); });
  }

  function drawAll(root) {
    var charts = (root || document).querySelectorAll("[data-dashboard-chart]");
    if (!charts.length) { return; }
    withEcharts(function () { charts.forEach(draw); });
  }

  drawAll(document);
  document.body.addEventListener("htmx:afterSwap", function (event) { drawAll(event.target); });
})();
