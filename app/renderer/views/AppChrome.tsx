import { useStore } from 'zustand';
import type { PageName } from '../services/routes.js';
import { routeHash } from '../services/routes.js';
import { serverLabel } from '../services/server.js';
import { useServices } from './context.js';
import { uiStore } from './ui-store.js';

export function Brand() {
  return (
    <div className="fd-brand" aria-label="Flowdeck">
      <img src="./favicon.svg" alt="" width={22} height={22} />
      <span>Flowdeck</span>
    </div>
  );
}

const PAGES: { page: PageName; label: string; hash: string }[] = [
  { page: 'builder', label: 'Builder', hash: routeHash({ page: 'builder' }) },
  { page: 'dashboard', label: 'Dashboard', hash: routeHash({ page: 'dashboard' }) },
  { page: 'runs', label: 'Runs', hash: routeHash({ page: 'runs' }) },
];

/** The app's pages, as links so they open in a new window too. */
export function PageTabs({ current }: { current: PageName }) {
  const active = current === 'run' ? 'runs' : current;
  return (
    <nav className="fd-tabs" aria-label="Pages">
      {PAGES.map((p) => (
        <a key={p.page} href={p.hash} className={`fd-tab${p.page === active ? ' is-active' : ''}`} aria-current={p.page === active ? 'page' : undefined}>
          {p.label}
        </a>
      ))}
    </nav>
  );
}

/** The server the app reads and writes, and whether it answers: always in sight. */
export function ServerStatus() {
  const { server } = useServices();
  const health = useStore(uiStore, (s) => s.server);
  return (
    <div className={`fd-server is-${health.status}`} title={health.detail ?? ''} data-testid="server-status">
      <span className="fd-server-dot" aria-hidden="true" />
      <span>
        {server.profile ? `${server.profile} · ` : ''}
        {serverLabel(server.baseUrl)}
      </span>
      <span className="fd-muted">
        {health.status === 'ok' ? `v${health.version}` : health.status === 'checking' ? 'connecting…' : health.status === 'unauthorized' ? 'needs a key' : 'unreachable'}
      </span>
    </div>
  );
}
