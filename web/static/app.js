// Progressive enhancement only: every page works without JavaScript.
// After htmx replaces the results of a live search, announce the new count
// to screen readers through the polite live region. With hx-swap="outerHTML"
// the event's target is the element that was replaced, so the count is read
// from the new #results once the swap has settled.
document.addEventListener('htmx:afterSettle', () => {
  const status = document.getElementById('results-status');
  const results = document.getElementById('results');
  if (!status || !results) return;
  const count = results.getAttribute('data-count');
  if (count) status.textContent = count + ' résultat(s)';
});

// A form sent back with errors: move the focus to the summary of errors so
// that keyboard and screen-reader users start from the list of what to fix
// (each item links to its field). Without JavaScript the summary is simply
// the first thing after the page title.
const errorSummary = document.getElementById('form-errors');
if (errorSummary) errorSummary.focus();

// Dashboard charts (Chart.js, loaded by the dashboard page only): drawn from the
// data-* attributes of each <canvas data-chart>. The tables next to them hold
// the same figures, so the canvases are aria-hidden. Runs after every deferred
// script (DOMContentLoaded), chart.umd.js included.
document.addEventListener('DOMContentLoaded', () => {
  const canvases = document.querySelectorAll('canvas[data-chart]');
  if (!canvases.length || typeof window.Chart !== 'function') return;
  const palette = ['#1d4e89', '#b45309', '#15803d', '#7c3aed', '#be123c', '#0e7490', '#4a5360', '#a16207',
    '#1e40af', '#9d174d', '#065f46', '#6b21a8'];
  const parse = (raw) => { try { return JSON.parse(raw || '[]'); } catch { return []; } };
  window.Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
  window.Chart.defaults.color = '#1b1f24';
  canvases.forEach((canvas) => {
    const type = canvas.dataset.chart;
    const labels = parse(canvas.dataset.labels);
    const values = parse(canvas.dataset.values);
    const bar = type === 'bar';
    new window.Chart(canvas, {
      type,
      data: { labels, datasets: [{ label: canvas.dataset.series || '', data: values,
        backgroundColor: bar ? palette[0] : palette.slice(0, values.length) }] },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        indexAxis: bar ? 'y' : 'x',
        plugins: { legend: { display: !bar, position: 'bottom' } },
        scales: bar ? { x: { beginAtZero: true, ticks: { precision: 0 } } } : {},
      },
    });
  });
});
