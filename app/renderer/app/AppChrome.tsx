import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from 'zustand';
import { DEFAULT_PROFILE } from '../../core/settings/profiles.js';
import type { ProfileChoice } from './profiles.js';
import type { PageName } from './routes.js';
import { routeHash } from './routes.js';
import { serverLabel } from './server.js';
import { useServices } from './services-context.js';
import { switchProfile } from './switch-profile.js';
import { openDialog, uiStore, type UiState } from './ui-store.js';
import { errorMessage } from '../../core/error-message.js';
import { useDismiss } from '../shared/use-dismiss.js';

export function Brand() {
  return (
    <div className="fd-brand" aria-label="Flowdeck">
      <img src="./favicon.svg" alt="" width={22} height={22} />
      <span>Flowdeck</span>
    </div>
  );
}

interface PageTab {
  page: PageName;
  label: string;
  hash: string;
}

/** The pages always in sight. */
const PAGES: PageTab[] = [
  { page: 'builder', label: 'Builder', hash: routeHash({ page: 'builder' }) },
  { page: 'dashboard', label: 'Dashboard', hash: routeHash({ page: 'dashboard' }) },
  { page: 'runs', label: 'Runs', hash: routeHash({ page: 'runs' }) },
  { page: 'deployments', label: 'Deployments', hash: routeHash({ page: 'deployments' }) },
  { page: 'work-pools', label: 'Work pools', hash: routeHash({ page: 'work-pools' }) },
];

/** What the server keeps beside runs: under More, so the bar fits beside the builder's tools. */
const MORE_PAGES: PageTab[] = [
  { page: 'artifacts', label: 'Artifacts', hash: routeHash({ page: 'artifacts' }) },
  { page: 'variables', label: 'Variables', hash: routeHash({ page: 'variables' }) },
  { page: 'blocks', label: 'Blocks', hash: routeHash({ page: 'blocks' }) },
  { page: 'automations', label: 'Automations', hash: routeHash({ page: 'automations' }) },
];

/** The tab a page lives under: a run under Runs, a deployment under Deployments, a pool under Work pools, a key under Artifacts. */
const TAB_OF: Partial<Record<PageName, PageName>> = {
  run: 'runs',
  deployment: 'deployments',
  'work-pool': 'work-pools',
  'artifact-key': 'artifacts',
};

function TabLink({ page: { page, label, hash }, active, role }: { page: PageTab; active: boolean; role?: 'menuitem' }) {
  return (
    <a
      href={hash}
      role={role}
      className={role ? 'fd-menu-item' : `fd-tab${active ? ' is-active' : ''}`}
      aria-current={active ? 'page' : undefined}
      data-page={page}
    >
      {label}
    </a>
  );
}

/** The app's pages, as links so they open in a new window too; one of More's pages is a tab while it is open. */
export function PageTabs({ current }: { current: PageName }) {
  const active = TAB_OF[current] ?? current;
  const [open, setOpen] = useState(false);
  const more = useRef<HTMLDivElement>(null);
  useDismiss(more, open, () => setOpen(false));
  const shown = [...PAGES, ...MORE_PAGES.filter((p) => p.page === active)];
  const rest = MORE_PAGES.filter((p) => p.page !== active);
  return (
    <nav className="fd-tabs" aria-label="Pages">
      {shown.map((p) => (
        <TabLink key={p.page} page={p} active={p.page === active} />
      ))}
      <div className="fd-menu" ref={more}>
        <button type="button" className="fd-tab" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>
          More ▾
        </button>
        {open ? (
          <div className="fd-menu-list" role="menu" onClick={() => setOpen(false)}>
            {rest.map((p) => (
              <TabLink key={p.page} page={p} active={false} role="menuitem" />
            ))}
          </div>
        ) : null}
      </div>
    </nav>
  );
}

/** A few words on the server's health for the top bar. */
function serverStatusText(health: UiState['server']): string {
  switch (health.status) {
    case 'ok':
      return `v${health.version}`;
    case 'degraded':
      return 'cannot store';
    case 'checking':
      return 'connecting…';
    case 'unauthorized':
      return 'needs a key';
    case 'unreachable':
      return 'unreachable';
  }
}

/** The profile and server the app reads and writes, and whether it answers: always in sight, and the way to switch. */
export function ServerStatus() {
  const { server } = useServices();
  const health = useStore(uiStore, (s) => s.server);
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  const close = useCallback(() => {
    setOpen(false);
    button.current?.focus();
  }, []);
  return (
    <div className="fd-profile">
      <button
        ref={button}
        type="button"
        className={`fd-server is-${health.status}`}
        title={health.detail ?? 'Switch profile'}
        aria-haspopup="menu"
        aria-expanded={open}
        data-testid="server-status"
        onClick={() => setOpen((was) => !was)}
      >
        <span className="fd-server-dot" aria-hidden="true" />
        <span>
          {server.profile ? `${server.profile} · ` : ''}
          {serverLabel(server.baseUrl)}
        </span>
        <span className="fd-muted">{serverStatusText(health)}</span>
        <span aria-hidden="true">▾</span>
      </button>
      {open ? <ProfileMenu onClose={close} /> : null}
    </div>
  );
}

/** The profiles to switch between; the browser's can be added and forgotten here. */
function ProfileMenu({ onClose }: { onClose: () => void }) {
  const { profiles } = useServices();
  const [list, setList] = useState<ProfileChoice[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [version, setVersion] = useState(0);
  const menu = useRef<HTMLDivElement>(null);
  useEffect(() => {
    let live = true;
    profiles.list().then(
      (listed) => live && setList(listed),
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [profiles, version]);
  useEffect(() => {
    const root = menu.current;
    (root?.querySelector<HTMLElement>('[aria-checked=true]') ?? root?.querySelector<HTMLElement>('[role^=menuitem]'))?.focus();
  }, [list]);
  useEffect(() => {
    const outside = (event: PointerEvent) => {
      if (!(event.target instanceof Node) || !menu.current?.parentElement?.contains(event.target)) onClose();
    };
    document.addEventListener('pointerdown', outside);
    return () => document.removeEventListener('pointerdown', outside);
  }, [onClose]);

  const act = (action: () => Promise<void>) => () => {
    action().catch((e: unknown) => setError(errorMessage(e)));
  };
  const forget = (choice: ProfileChoice) =>
    act(async () => {
      await profiles.forget(choice.name);
      // Forgetting the profile in use leaves `local` in use: the app loads again against it.
      if (choice.active) location.reload();
      else setVersion((n) => n + 1);
    });

  return (
    <div
      ref={menu}
      className="fd-profile-menu"
      role="menu"
      aria-label="Profiles"
      data-testid="profile-menu"
      onKeyDown={(event) => {
        if (event.key === 'Escape') {
          event.stopPropagation();
          onClose();
        } else if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
          event.preventDefault();
          const items = [...(menu.current?.querySelectorAll<HTMLElement>('[role^=menuitem]') ?? [])];
          const at = items.indexOf(document.activeElement as HTMLElement);
          items[(at + (event.key === 'ArrowDown' ? 1 : items.length - 1)) % items.length]?.focus();
        }
      }}
    >
      <div className="fd-profile-menu-title">Profiles</div>
      {profiles.problem ? (
        <div className="fd-profile-problem" role="alert">
          <span>{profiles.problem}</span>
          <button
            type="button"
            className="fd-link"
            onClick={act(async () => {
              await profiles.startAgain();
              location.reload();
            })}
          >
            Start again with local only
          </button>
        </div>
      ) : null}
      {error ? (
        <p className="fd-profile-problem" role="alert">
          {error}
        </p>
      ) : null}
      {list === null && !error ? <p className="fd-muted fd-profile-hint">Loading…</p> : null}
      {list?.map((choice) => (
        <div className="fd-profile-item" key={choice.name}>
          <button
            type="button"
            role="menuitemradio"
            aria-checked={choice.active}
            className="fd-profile-choice"
            onClick={choice.active ? onClose : act(() => switchProfile(profiles, choice.name))}
          >
            <span className="fd-profile-check" aria-hidden="true">
              {choice.active ? '●' : ''}
            </span>
            <span className="fd-profile-name">{choice.name}</span>
            <span className="fd-muted">
              {choice.apiUrl ? serverLabel(choice.apiUrl) : profiles.editable ? 'the server of this page' : 'the embedded server'}
            </span>
          </button>
          {profiles.editable && choice.name !== DEFAULT_PROFILE ? (
            <button type="button" className="fd-link" aria-label={`Forget ${choice.name}`} onClick={forget(choice)}>
              Forget
            </button>
          ) : null}
        </div>
      ))}
      {profiles.editable ? (
        <button
          type="button"
          role="menuitem"
          className="fd-profile-add"
          onClick={() => {
            onClose();
            openDialog({ type: 'addProfile' });
          }}
        >
          Add a server…
        </button>
      ) : (
        <p className="fd-muted fd-profile-hint">
          Add profiles with <code>flowdeck profile create</code>.
        </p>
      )}
    </div>
  );
}

/** A passing message in the top bar: "Saved flows/etl.ts". */
export function Toast() {
  const toast = useStore(uiStore, (s) => s.toast);
  if (!toast) return null;
  return (
    <div className={`fd-toast is-${toast.kind}`} role={toast.kind === 'error' ? 'alert' : 'status'} data-testid="toast">
      {toast.message}
    </div>
  );
}
