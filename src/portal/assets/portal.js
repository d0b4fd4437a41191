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

// A page that follows work in progress (body data-live-seconds) is fetched again every so often, and its data-live
// regions are swapped for the new ones, until the new page no longer asks (the work is done). The reader keeps their
// place and focus (no reload), and may pause the updates.
function followLiveRegions(seconds) {
  const note = document.getElementById('live-note');
  let paused = false;
  let timer;
  const button = document.createElement('button');
  button.type = 'button';
  button.className = 'secondary';
  const label = () => (button.textContent = paused ? 'Resume live updates' : 'Pause live updates');
  button.addEventListener('click', () => {
    paused = !paused;
    label();
    if (!paused) schedule();
  });
  label();
  if (note) note.replaceChildren('This page updates itself as the work goes on. ', button);
  const schedule = () => {
    clearTimeout(timer);
    timer = setTimeout(update, seconds * 1000);
  };
  async function update() {
    if (paused) return;
    let next;
    try {
      const response = await fetch(window.location.href, { credentials: 'same-origin', headers: { accept: 'text/html' } });
      if (!response.ok) return schedule();
      next = new DOMParser().parseFromString(await response.text(), 'text/html');
    } catch {
      return schedule();
    }
    for (const region of document.querySelectorAll('[data-live][id]')) {
      const fresh = next.getElementById(region.id);
      // A region the reader is in (its focus) waits for the next round: the reader's place is never taken away.
      if (fresh && !region.contains(document.activeElement)) region.replaceWith(document.importNode(fresh, true));
    }
    if (next.body.dataset.liveSeconds) schedule();
    else if (note) note.textContent = 'Done: this page no longer changes.';
  }
  schedule();
}

const liveSeconds = Number(document.body.dataset.liveSeconds);
if (liveSeconds > 0) followLiveRegions(liveSeconds);
