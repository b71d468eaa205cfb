/** Pause or Resume for a thing that can be paused (a deployment, a work pool); test ids `<prefix>-pause` / `<prefix>-resume`. */
export function PauseToggle({
  paused,
  busy,
  testIdPrefix,
  onToggle,
}: {
  paused: boolean;
  busy: boolean;
  testIdPrefix: string;
  onToggle: () => void;
}) {
  return (
    <button type="button" className="fd-button" data-testid={`${testIdPrefix}-${paused ? 'resume' : 'pause'}`} disabled={busy} onClick={onToggle}>
      {paused ? 'Resume' : 'Pause'}
    </button>
  );
}

/** Said over a page whose last refresh failed: what it shows is from the read before. */
export function StaleReadNotice({ error }: { error: string | null }) {
  if (!error) return null;
  return (
    <div className="fd-notice is-warning" role="alert">
      <span>Could not read it again: {error}. What shows is from before.</span>
    </div>
  );
}

/** Said in place of what a page could not read, with a way to ask again. */
export function ReadFailedNotice({ message, onRetry }: { message: string; onRetry: () => void }) {
  return (
    <div className="fd-notice is-error" role="alert">
      <span>{message}</span>
      <button type="button" className="fd-link" onClick={onRetry}>
        try again
      </button>
    </div>
  );
}
