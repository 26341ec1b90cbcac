/* 建设进度 chart: planned / started / completed units per year (ECharts, vendored). */
(function () {
  "use strict";
  var el = document.getElementById("progress-chart");
  if (!el || !window.echarts) { return; }
  var data = JSON.parse(document.getElementById("progress-data").textContent);
  var chart = echarts.init(el);
  chart.setOption({
    tooltip: { trigger: "axis" },
    legend: { data: ["计划套数", "开工套数", "竣工套数"] },
    grid: { left: 50, right: 20, bottom: 30, top: 40 },
    xAxis: { type: "category", data: data.years },
    yAxis: { type: "value", name: "套" },
    series: [
      { name: "计划套数", type: "bar", data: data.planned, itemStyle: { color: "#95a5a6" } },
      { name: "开工套数", type: "bar", data: data.started, itemStyle: { color: "#e67e22" } },
      { name: "竣工套数", type: "bar", data: data.completed, itemStyle: { color: "#27ae60" } }
    ]
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
