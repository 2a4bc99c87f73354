// The partner home's chart of verified events per type and year. The data comes from the
// page's json_script element (#event-counts-data); the table beside it is the accessible
// version, so the canvas is aria-hidden. No inline script or style: the CSP forbids both.
(() => {
  const canvas = document.getElementById("event-counts-chart");
  const source = document.getElementById("event-counts-data");
  if (!canvas || !source || typeof Chart === "undefined") return;
  const data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data,
    options: {
      animation: false,
      aspectRatio: 2.5,
      scales: {
        x: { stacked: true },
        y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } },
      },
      plugins: { legend: { position: "bottom" } },
    },
  });
})();
