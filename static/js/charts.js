// Every chart of the portal. A chart is a <canvas data-chart="KIND" data-chart-source="ID">
// whose data is the JSON of the element #ID (Django's json_script): {labels, datasets[,
// yMax]}. A dataset may carry `links`, one address per point: clicking that bar or point
// opens the list behind it. The table beside each chart is the accessible version (and holds
// the same links), so canvases are aria-hidden. No inline script or style: the CSP forbids both.
//
// KIND: "stacked-bar" (counts stacked per label), "bar" (one or more series side by side),
// "line" (series over time; a dataset's `pointStyles`/`pointRadii` mark special points).
(() => {
  if (typeof Chart === "undefined") return;
  // Shapes as well as colours tell series apart (colour is never the only signal).
  const SHAPES = ["circle", "rect", "triangle", "rectRot", "star", "crossRot", "rectRounded"];
  const PATTERN_DASHES = [[], [6, 3], [2, 2], [8, 3, 2, 3], [4, 4], [1, 3], [10, 4]];

  const options = {
    "stacked-bar": {
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
    },
    bar: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
    line: { scales: { y: { beginAtZero: true } } },
  };

  document.querySelectorAll("canvas[data-chart]").forEach((canvas) => {
    const kind = canvas.dataset.chart;
    const source = document.getElementById(canvas.dataset.chartSource);
    if (!source || !options[kind]) return;
    const data = JSON.parse(source.textContent);
    data.datasets.forEach((dataset, index) => {
      if (kind === "line") {
        dataset.pointStyle = dataset.pointStyles || SHAPES[index % SHAPES.length];
        dataset.pointRadius = dataset.pointRadii || 4;
        dataset.borderDash = PATTERN_DASHES[index % PATTERN_DASHES.length];
      } else {
        dataset.borderWidth = 1;
      }
    });
    const chartOptions = {
      animation: false,
      aspectRatio: Number(canvas.dataset.aspectRatio || 2.5),
      plugins: { legend: { position: "bottom", labels: { usePointStyle: kind === "line" } } },
      ...options[kind],
      onClick: (_event, elements, chart) => {
        const [element] = elements;
        if (!element) return;
        const links = chart.data.datasets[element.datasetIndex].links;
        if (links && links[element.index]) window.location.assign(links[element.index]);
      },
      onHover: (event, elements, chart) => {
        const linked = elements.some((e) => chart.data.datasets[e.datasetIndex].links);
        event.native.target.style.cursor = linked ? "pointer" : "default";
      },
    };
    if (data.yMax !== undefined) chartOptions.scales.y.max = data.yMax;
    new Chart(canvas, { type: kind === "line" ? "line" : "bar", data, options: chartOptions });
  });
})();
