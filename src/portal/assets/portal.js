// The integrator portal's one script: progressive enhancement only. Every page works without it.
'use strict';
document.addEventListener('submit', (event) => {
  // A form whose button asks for confirmation (data-confirm) goes only once the reader agrees.
  const message = event.target instanceof HTMLFormElement ? event.target.dataset.confirm : undefined;
  if (message && !window.confirm(message)) event.preventDefault();
});
