// The integrator portal's one script: progressive enhancement only. Every page works without it.
'use strict';
document.addEventListener('submit', (event) => {
  // A form whose button asks for confirmation (data-confirm) goes only once the reader agrees.
  const message = event.target instanceof HTMLFormElement ? event.target.dataset.confirm : undefined;
  if (!message) return;
  if (!window.confirm(message)) event.preventDefault();
  else {
    // Confirmed here: the server need not ask again (without this script, a page of its own asks).
    const confirmed = event.target.elements.namedItem('confirmed');
    if (confirmed instanceof HTMLInputElement) confirmed.value = 'yes';
  }
});
