import { Modal } from '../shared/Modal.js';
import { keysLabel, SHORTCUT_GROUPS, SHORTCUTS, type ShortcutGroup } from '../shared/shortcuts.js';
import { closeDialog } from './ui-store.js';

/** Every keyboard shortcut, read from the one table the handlers read. */
export function ShortcutsDialog() {
  const mac = /Mac|iPhone|iPad/.test(navigator.userAgent);
  const groups = Object.entries(SHORTCUT_GROUPS) as [ShortcutGroup, string][];
  return (
    <Modal title="Keyboard shortcuts" onCancel={closeDialog} wide>
      <div className="fd-shortcuts" data-testid="shortcuts">
        {groups.map(([group, title]) => (
          <section key={group} aria-label={title}>
            <h3>{title}</h3>
            <dl>
              {SHORTCUTS.filter((shortcut) => shortcut.group === group).map((shortcut) => (
                <div key={shortcut.id} className="fd-shortcut" data-testid="shortcut">
                  <dt>
                    {shortcut.keys.map((keys, index) => (
                      <span key={keys}>
                        {index > 0 ? ' or ' : null}
                        <kbd>{keysLabel(keys, mac)}</kbd>
                      </span>
                    ))}
                  </dt>
                  <dd>{shortcut.label}</dd>
                </div>
              ))}
            </dl>
          </section>
        ))}
      </div>
      <div className="fd-modal-actions">
        <button type="button" className="fd-button" onClick={closeDialog}>
          Close
        </button>
      </div>
    </Modal>
  );
}
