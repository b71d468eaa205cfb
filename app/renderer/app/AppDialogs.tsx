import { useState } from 'react';
import { useStore } from 'zustand';
import { DEFAULT_PROFILE } from '../../core/settings/profiles.js';
import { serverLabel } from './server.js';
import { useServices } from './services-context.js';
import { Modal } from '../shared/Modal.js';
import { ShortcutsDialog } from './ShortcutsDialog.js';
import { switchProfile } from './switch-profile.js';
import { closeDialog, uiStore } from './ui-store.js';
import { errorMessage } from '../../core/error-message.js';

/** The dialogs of the whole app, whichever page shows: the server's key, adding a server, the keyboard shortcuts. */
export function AppDialogs() {
  const dialog = useStore(uiStore, (s) => s.dialog);
  if (dialog?.type === 'apiKey') return <ApiKeyDialog message={dialog.message} />;
  if (dialog?.type === 'addProfile') return <AddProfileDialog />;
  if (dialog?.type === 'shortcuts') return <ShortcutsDialog />;
  return null;
}

function FormError({ error }: { error: string | null }) {
  return error ? (
    <p className="fd-field-error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Back to the profile every home has, the way out of a server that will not let the app in. */
export function SwitchToLocal() {
  const { server, profiles } = useServices();
  if ((server.profile ?? DEFAULT_PROFILE) === DEFAULT_PROFILE) return null;
  return (
    <button type="button" className="fd-button" onClick={() => void switchProfile(profiles, DEFAULT_PROFILE)}>
      Switch to {DEFAULT_PROFILE}
    </button>
  );
}

function ApiKeyDialog({ message }: { message: string }) {
  const { server, profiles } = useServices();
  const profile = server.profile ?? DEFAULT_PROFILE;
  const [key, setKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const where = serverLabel(server.baseUrl);
  const named = profile === DEFAULT_PROFILE ? 'This server' : `The server of profile ${profile}`;
  const title = server.apiKey ? `${named} refuses its API key` : `${named} needs an API key`;
  if (!profiles.editable) {
    return (
      <Modal title={title} onCancel={closeDialog}>
        <p>
          {where}: {message}
        </p>
        <p>
          Set the key of profile <strong>{profile}</strong> with <code>flowdeck config set FLOWDECK_API_KEY=…</code> and open the app again, or switch
          to another profile.
        </p>
        <div className="fd-modal-actions">
          <SwitchToLocal />
          <button type="button" className="fd-button" onClick={closeDialog}>
            Close
          </button>
        </div>
      </Modal>
    );
  }
  return (
    <Modal title={title} onCancel={closeDialog}>
      <p>
        {where}: {message}
      </p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          profiles.setKey(profile, key).then(
            () => location.reload(),
            (failure: unknown) => setError(errorMessage(failure)),
          );
        }}
      >
        <div className="fd-field">
          <label htmlFor="fd-api-key">API key</label>
          <input id="fd-api-key" type="password" value={key} onChange={(e) => setKey(e.target.value)} autoComplete="off" />
          <div className="fd-field-help">
            The server's FLOWDECK_SERVER_API_KEY.{' '}
            {profile === DEFAULT_PROFILE ? 'It is kept for this browser tab only.' : `It is kept with profile ${profile} in this browser.`}
          </div>
        </div>
        <FormError error={error} />
        <div className="fd-modal-actions">
          <SwitchToLocal />
          <button type="button" className="fd-button" onClick={closeDialog}>
            Close
          </button>
          <button type="submit" className="fd-button is-primary" disabled={key === ''}>
            Connect
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Another Flowdeck server, kept as a profile in this browser. */
function AddProfileDialog() {
  const { profiles } = useServices();
  const [name, setName] = useState('');
  const [apiUrl, setApiUrl] = useState('');
  const [apiKey, setApiKey] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (thenSwitch: boolean) => {
    setBusy(true);
    setError(null);
    try {
      await profiles.save({ name, apiUrl, apiKey });
    } catch (failure) {
      setError(errorMessage(failure));
      setBusy(false);
      return;
    }
    closeDialog();
    if (thenSwitch) await switchProfile(profiles, name.trim());
  };
  return (
    <Modal title="Add a server" onCancel={closeDialog}>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(true);
        }}
      >
        <div className="fd-field">
          <label htmlFor="fd-profile-name">Profile name</label>
          <input id="fd-profile-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="team" autoComplete="off" />
        </div>
        <div className="fd-field">
          <label htmlFor="fd-profile-url">API URL</label>
          <input
            id="fd-profile-url"
            value={apiUrl}
            onChange={(e) => setApiUrl(e.target.value)}
            placeholder="http://flowdeck.example:4300/api"
            autoComplete="off"
          />
          <div className="fd-field-help">
            The server's address ending in /api. It must let this page in: start it with FLOWDECK_SERVER_CORS_ORIGINS={location.origin}.
          </div>
        </div>
        <div className="fd-field">
          <label htmlFor="fd-profile-key">API key</label>
          <input id="fd-profile-key" type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} autoComplete="off" />
          <div className="fd-field-help">Empty for a server that needs none. Kept in this browser with the profile.</div>
        </div>
        <FormError error={error} />
        <div className="fd-modal-actions">
          <button type="button" className="fd-button" onClick={closeDialog}>
            Cancel
          </button>
          <button type="button" className="fd-button" disabled={busy || name.trim() === ''} onClick={() => void save(false)}>
            Save
          </button>
          <button type="submit" className="fd-button is-primary" disabled={busy || name.trim() === ''}>
            Save and switch
          </button>
        </div>
      </form>
    </Modal>
  );
}
