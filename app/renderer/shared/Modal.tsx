import { useEffect, useRef, type ReactNode } from 'react';
import { handleShortcut } from './shortcuts.js';

/** A modal: focus moves into it, Escape cancels. */
export function Modal({ title, onCancel, children, wide }: { title: string; onCancel: () => void; children: ReactNode; wide?: boolean }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const first = ref.current?.querySelector<HTMLElement>('[autofocus], input, select, textarea, button');
    first?.focus();
  }, []);
  return (
    <div
      className="fd-modal-backdrop"
      onMouseDown={(e) => {
        if (e.target === e.currentTarget) onCancel();
      }}
    >
      <div
        ref={ref}
        className={`fd-modal${wide ? ' is-wide' : ''}`}
        role="dialog"
        aria-modal="true"
        aria-label={title}
        onKeyDown={(e) =>
          handleShortcut(e, 'dialog', {
            'dialog.cancel': () => {
              e.stopPropagation();
              onCancel();
            },
          })
        }
      >
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}
