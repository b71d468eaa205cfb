import { useRef, useState } from 'react';
import { useDismiss } from '../../shared/use-dismiss.js';

/**
 * Retry, reusing the result of every task run that completed in an earlier attempt, with a menu
 * beside it for a retry that runs every task again.
 */
export function RetryButton({
  disabled,
  reason,
  where,
  onRetry,
}: {
  disabled: boolean;
  reason: string | null;
  /** Where the attempt runs, as the tooltip says it. */
  where: string;
  onRetry: (all: boolean) => void;
}) {
  const [open, setOpen] = useState(false);
  const ref = useRef<HTMLSpanElement>(null);
  useDismiss(ref, open, () => setOpen(false));
  const choose = (all: boolean) => {
    setOpen(false);
    onRetry(all);
  };
  return (
    <span className="fd-menu fd-split-button" ref={ref} title={reason ?? undefined}>
      <button
        type="button"
        className="fd-button"
        disabled={disabled}
        title={reason ?? `Run it again as its next attempt, ${where}, reusing the results of the tasks that completed`}
        onClick={() => choose(false)}
      >
        Retry
      </button>
      <button
        type="button"
        className="fd-button"
        disabled={disabled}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-label="More ways to run it again"
        data-testid="retry-menu"
        onClick={() => setOpen(!open)}
      >
        ▾
      </button>
      {open ? (
        <div className="fd-menu-list fd-menu-right" role="menu">
          <button type="button" role="menuitem" className="fd-menu-item" autoFocus onClick={() => choose(true)}>
            Retry all tasks
            <span className="fd-muted fd-menu-note">Run every task again, reusing no result</span>
          </button>
        </div>
      ) : null}
    </span>
  );
}
