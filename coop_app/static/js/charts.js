// coop_app: the dashboard's and the indicator pages' small charts. Each <canvas
// data-chart="ID"> is drawn from the JSON in <script type="application/json" id="ID"> with
// the vendored Chart.js; the same figures are in a table next to it, so nothing is lost
// without this file. The JSON holds ints only: whole rupiah (unit "rp", the default), basis
// points (unit "bp", shown as percent) or counts (unit "count"); kind "line" draws a trend.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") { return; }
  var locale = document.documentElement.lang === "en" ? "en-US" : "id-ID";
  var whole = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
  var short = new Intl.NumberFormat(locale, { notation: "compact", maximumFractionDigits: 1 });
  var percent = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
  var formats = {
    rp: { axis: function (v) { return "Rp" + short.format(v); }, full: function (v) { return "Rp" + whole.format(v); } },
    bp: { axis: function (v) { return percent.format(v / 100) + "%"; }, full: function (v) { return percent.format(v / 100) + "%"; } },
    count: { axis: function (v) { return short.format(v); }, full: function (v) { return whole.format(v); } }
  };
  var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  document.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
    var source = document.getElementById(canvas.dataset.chart);
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    var stacked = data.kind === "stacked";
    var format = formats[data.unit] || formats.rp;
    var chart = new window.Chart(canvas, {
      type: data.kind === "line" ? "line" : "bar",
      data: {
        labels: data.labels,
        datasets: data.series.map(function (s) {
          return { label: s.label, data: s.values, backgroundColor: s.colour, borderColor: s.colour };
        })
      },
      options: {
        animation: still ? false : { duration: 300 },
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          x: { stacked: stacked },
          y: { stacked: stacked, beginAtZero: true,
               ticks: { callback: function (value) { return format.axis(value); } } }
        },
        plugins: {
          legend: { position: "bottom", labels: { boxWidth: 12 } },
          tooltip: { callbacks: { label: function (item) {
            return item.dataset.label + ": " + format.full(item.parsed.y);
          } } }
        }
      }
    });
    canvas.dataset.drawn = String(chart.data.datasets.length);
  });
})();
