// Keyhold's report charts, loaded on the Reports page only. Each <div class="chart"
// data-chart="ID"> gets a bar chart drawn with the vendored Chart.js from the JSON in
// <script type="application/json" id="ID"> (data, not code: the Content Security Policy
// allows no inline script). The server sends the labels translated and the values in the
// chart's unit. The tables beside the charts hold the same numbers and need none of this.
// Runs on the page and again on whatever htmx swaps in.
(function () {
  "use strict";
  if (typeof window.Chart === "undefined") return;
  var Chart = window.Chart;
  var lang = document.documentElement.lang || "en";
  // Blue and orange stay apart for every kind of colour vision; grey for the context.
  var tones = { good: "#1f5fbf", bad: "#d55e00", neutral: "#5a6475" };
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  Chart.defaults.font.family = window.getComputedStyle(document.body).fontFamily;
  Chart.defaults.color = "#1d2430";

  function formatter(spec) {
    var whole = new Intl.NumberFormat(lang, { maximumFractionDigits: 0 });
    if (spec.format === "percent") {
      var one = new Intl.NumberFormat(lang, { maximumFractionDigits: 1 });
      return function (v) { return one.format(v) + "%"; };
    }
    if (spec.format === "money" && spec.currency) {
      try {
        // As the tables write amounts: "CNY 1,234" in English, "¥1,234" in Chinese.
        var money = new Intl.NumberFormat(lang, { style: "currency", currency: spec.currency, maximumFractionDigits: 0,
          currencyDisplay: lang.indexOf("zh") === 0 ? "symbol" : "code" });
        return function (v) { return money.format(v); };
      } catch (e) {
        // An unknown currency code: plain numbers then.
      }
    }
    return function (v) { return whole.format(v); };
  }

  function draw(box) {
    var canvas = box.querySelector("canvas");
    var source = document.getElementById(box.getAttribute("data-chart"));
    if (!canvas || !source || Chart.getChart(canvas)) return;
    var spec;
    try {
      spec = JSON.parse(source.textContent);
    } catch (e) {
      return;
    }
    if (!spec || !spec.labels || spec.labels.length === 0) return; // nothing to draw: the box stays hidden
    var fmt = formatter(spec);
    var valueAxis = spec.horizontal ? "x" : "y";
    var categoryAxis = spec.horizontal ? "y" : "x";
    var scales = {};
    scales[valueAxis] = {
      beginAtZero: true,
      stacked: !!spec.stacked,
      ticks: { callback: function (v) { return fmt(v); } }
    };
    // The axis ends just above the largest value, not at 100%: 4–7% churn must not read
    // as a sliver. Chart.js rounds the end to a tick.
    scales[valueAxis].grace = "5%";
    if (spec.format === "count") scales[valueAxis].ticks.precision = 0;
    scales[categoryAxis] = { stacked: !!spec.stacked, ticks: { autoSkip: false } };

    box.classList.add("drawn");
    if (spec.line) {
      drawLine(canvas, spec, fmt, scales);
      return;
    }
    if (spec.horizontal) {
      // One bar group per person: let the chart grow with the list.
      box.style.height = Math.max(240, 90 + spec.labels.length * 36) + "px";
    }
    new Chart(canvas, {
      type: "bar",
      data: {
        labels: spec.labels,
        datasets: (spec.series || []).map(function (s) {
          return { label: s.label, data: s.data || [], backgroundColor: tones[s.tone] || tones.neutral, borderWidth: 0, maxBarThickness: 48 };
        })
      },
      options: {
        indexAxis: spec.horizontal ? "y" : "x",
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        plugins: {
          title: { display: !!spec.title, text: spec.title, font: { size: 14, weight: "600" } },
          legend: { position: "bottom" },
          tooltip: {
            callbacks: {
              label: function (ctx) { return ctx.dataset.label + ": " + fmt(ctx.parsed[valueAxis]); }
            }
          }
        },
        scales: scales
      }
    });
  }

  // A line per series over time, behind them the band of what is normal: its upper edge
  // filled down to its lower one ('-1'), gaps where no band applies.
  function drawLine(canvas, spec, fmt, scales) {
    var datasets = [];
    if (spec.band) {
      var shade = { borderWidth: 0, pointRadius: 0, pointStyle: "rect", pointHitRadius: 0, spanGaps: false, backgroundColor: "rgba(31, 95, 191, 0.14)" };
      datasets.push(Object.assign({ label: spec.band.label + " ↓", data: spec.band.low, fill: false }, shade));
      datasets.push(Object.assign({ label: spec.band.label, data: spec.band.high, fill: "-1" }, shade));
    }
    (spec.series || []).forEach(function (s, i) {
      var colour = tones[s.tone] || tones.neutral;
      datasets.push({ label: s.label, data: s.data || [], borderColor: colour, backgroundColor: colour, borderWidth: 2,
        borderDash: i > 0 ? [5, 4] : [], pointRadius: 2, tension: 0, fill: false });
    });
    scales.x.ticks = { autoSkip: true, maxRotation: 0 };
    new Chart(canvas, {
      type: "line",
      data: { labels: spec.labels, datasets: datasets },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: reduceMotion ? false : { duration: 300 },
        interaction: { mode: "index", intersect: false },
        plugins: {
          title: { display: !!spec.title, text: spec.title, font: { size: 14, weight: "600" } },
          legend: { position: "bottom", labels: { usePointStyle: true, pointStyle: "line",
            filter: function (item) { return item.text.slice(-2) !== " ↓"; } } },
          tooltip: {
            filter: function (item) { return item.dataset.label.slice(-2) !== " ↓"; },
            callbacks: {
              label: function (ctx) {
                if (spec.band && ctx.datasetIndex === 1) {
                  var low = spec.band.low[ctx.dataIndex], high = spec.band.high[ctx.dataIndex];
                  return high == null ? null : ctx.dataset.label + ": " + fmt(low) + "–" + fmt(high);
                }
                return ctx.dataset.label + ": " + fmt(ctx.parsed.y);
              }
            }
          }
        },
        scales: scales
      }
    });
  }

  function enhance(root) {
    if (root.matches && root.matches("[data-chart]")) draw(root);
    if (root.querySelectorAll) root.querySelectorAll("[data-chart]").forEach(draw);
  }

  enhance(document);
  document.addEventListener("htmx:load", function (e) { enhance(e.target); });
  // Charts in content that htmx takes away let go of their canvas and observers.
  document.addEventListener("htmx:beforeCleanupElement", function (e) {
    var el = e.target;
    if (el.tagName === "CANVAS") {
      var chart = Chart.getChart(el);
      if (chart) chart.destroy();
    }
  });
})();
