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
