// The bureau dashboard's charts: the figures come from the page's JSON element, never from inline script.
(function () {
  "use strict";
  var source = document.getElementById("dashboard-data");
  if (!source || typeof window.Chart === "undefined") { return; }
  var data = JSON.parse(source.textContent);
  var palette = ["#0d6efd", "#198754", "#ffc107", "#dc3545", "#6f42c1", "#20c997", "#fd7e14", "#6c757d"];
  function bar(id, labels, datasets, stacked) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: datasets },
      options: { responsive: true, scales: { x: { stacked: !!stacked }, y: { stacked: !!stacked, beginAtZero: true } } }
    });
  }
  var labels = data.labels;
  bar("chart-status", data.status.labels,
      [{ label: labels.count, data: data.status.values, backgroundColor: palette }]);
  bar("chart-departments", data.departments.labels, [
    { label: labels.intake, data: data.departments.intake, backgroundColor: palette[2] },
    { label: labels.review, data: data.departments.review, backgroundColor: palette[0] }
  ], true);
  bar("chart-amounts", data.amounts.labels, ["requested", "approved", "paid"].map(function (key, i) {
    return { label: labels[key], data: data.amounts[key].map(Number), backgroundColor: palette[i] };
  }));
}());
