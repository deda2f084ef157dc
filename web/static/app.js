// Progressive enhancement only: every page works without JavaScript.
// After htmx replaces the results of a live search, announce the new count
// to screen readers through the polite live region.
document.addEventListener('htmx:afterSwap', (event) => {
  const status = document.getElementById('results-status');
  if (status && event.detail.target && event.detail.target.id === 'results') {
    const count = event.detail.target.getAttribute('data-count');
    if (count !== null) status.textContent = count + ' résultat(s)';
  }
});
