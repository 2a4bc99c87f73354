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
  // Bars: Chart.js's own palette, each series filled with its own hatching as well.
  const PALETTE = ["#36a2eb", "#ff6384", "#4bc0c0", "#ff9f40", "#9966ff", "#ffcd56", "#c9cbcf"];
  const HATCHES = [
    () => {},
    (c, s) => { c.moveTo(0, s); c.lineTo(s, 0); },
    (c, s) => { c.moveTo(0, s / 2); c.lineTo(s, s / 2); },
    (c, s) => { c.moveTo(0, 0); c.lineTo(s, s); },
    (c, s) => { c.moveTo(s / 2, 0); c.lineTo(s / 2, s); },
    (c, s) => { c.moveTo(0, 0); c.lineTo(s, s); c.moveTo(0, s); c.lineTo(s, 0); },
    (c, s) => { c.moveTo(s / 2 + 1.5, s / 2); c.arc(s / 2, s / 2, 1.5, 0, 2 * Math.PI); },
  ];
  function hatched(colour, index) {
    const size = 10;
    const tile = document.createElement("canvas");
    tile.width = tile.height = size;
    const c = tile.getContext("2d");
    c.fillStyle = `${colour}b3`; // 70 % opaque
    c.fillRect(0, 0, size, size);
    c.strokeStyle = "rgba(0, 0, 0, 0.55)";
    c.lineWidth = 1.5;
    c.beginPath();
    HATCHES[index % HATCHES.length](c, size);
    c.stroke();
    return c.createPattern(tile, "repeat");
  }

  // Narrower than this (in CSS pixels, the chart's own box), a chart is drawn for a phone.
  const NARROW = 576;
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
        const colour = PALETTE[index % PALETTE.length];
        dataset.borderWidth = 1;
        dataset.borderColor ||= colour;
        dataset.backgroundColor ||= hatched(colour, index);
      }
    });
    // On a phone a wide chart would be a strip a few pixels tall under its legend: there it
    // is nearly square, its legend in small type, every series listed.
    const narrow = canvas.parentElement.clientWidth < NARROW;
    const chartOptions = {
      animation: false,
      aspectRatio: narrow ? 0.9 : Number(canvas.dataset.aspectRatio || 2.5),
      plugins: {
        legend: {
          position: "bottom",
          maxHeight: narrow ? 160 : undefined,
          labels: {
            boxWidth: narrow ? 14 : 40,
            padding: narrow ? 6 : 10,
            font: narrow ? { size: 11 } : undefined,
            usePointStyle: kind === "line",
            // A line's legend shows its series' shape, not its first point's (which may be a
            // special one, such as an award year's star).
            generateLabels: (chart) =>
              Chart.defaults.plugins.legend.labels.generateLabels(chart).map((label) => ({
                ...label,
                pointStyle: SHAPES[label.datasetIndex % SHAPES.length],
              })),
          },
        },
      },
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
