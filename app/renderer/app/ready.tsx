let ready = false;

/** Marks the app ready for input once the first page's first frame is painted; later calls do nothing. */
export function markReady(): void {
  if (ready) return;
  ready = true;
  requestAnimationFrame(() => {
    performance.mark('flowdeck:ready');
    document.body.dataset.ready = 'true';
  });
}
