import { useStore } from 'zustand';
import { lazy, Suspense, useEffect, useState } from 'react';
import { ApiError, ApiUnreachableError } from '../../core/api/errors.js';
import { serverLabel } from './server.js';
import { DEFAULT_PROFILE } from '../../core/settings/profiles.js';
import { AppDialogs, SwitchToLocal } from './AppDialogs.js';
import { MonitorShell } from '../monitor/ui/MonitorShell.js';
import { DeploymentPage } from '../deployments/ui/DeploymentPage.js';
import { DeploymentsPage } from '../deployments/ui/DeploymentsPage.js';
import { WorkPoolPage } from '../work-pools/ui/WorkPoolPage.js';
import { WorkPoolsPage } from '../work-pools/ui/WorkPoolsPage.js';
import { ArtifactKeyPage } from '../artifacts/ui/ArtifactKeyPage.js';
import { ArtifactsPage } from '../artifacts/ui/ArtifactsPage.js';
import { VariablesPage } from '../variables/ui/VariablesPage.js';
import { BlocksPage } from '../blocks/ui/BlocksPage.js';
import { AutomationsPage } from '../automations/ui/AutomationsPage.js';
import type { Route } from './routes.js';
import { useServices } from './services-context.js';
import { useRoute } from './use-route.js';
import { openDialog, uiStore } from './ui-store.js';
import { typingIn } from '../shared/dom.js';
import { handleShortcut } from '../shared/shortcuts.js';

// The builder (canvas, TypeScript parser, code editor) is most of the app's code: it loads when
// first opened, so a monitoring page, small and in the main bundle, never waits for it.
const BuilderPage = lazy(() => import('../builder/ui/BuilderPage.js').then((module) => ({ default: module.BuilderPage })));

export function App() {
  const route = useRoute();
  const recheck = useServerHealth();
  useAppShortcuts();
  return (
    <>
      <ServerDownBanner onRetry={recheck} />
      <ServerCannotWriteBanner />
      <Suspense fallback={<p className="fd-page-status">Loading…</p>}>
        {route.page === 'builder' ? (
          <BuilderPage />
        ) : (
          <MonitorShell route={route}>
            <FeaturePage route={route} />
          </MonitorShell>
        )}
      </Suspense>
      <AppDialogs />
    </>
  );
}

/** The pages of the deployments, work pools, artifacts, variables, blocks and automations features, in the monitoring pages' frame. */
function FeaturePage({ route }: { route: Route }) {
  switch (route.page) {
    case 'deployments':
      return <DeploymentsPage />;
    case 'deployment':
      // Keyed, so another deployment's page starts afresh (its dialog closed).
      return <DeploymentPage key={route.deploymentId} deploymentId={route.deploymentId} />;
    case 'work-pools':
      return <WorkPoolsPage />;
    case 'work-pool':
      return <WorkPoolPage key={route.pool} pool={route.pool} />;
    case 'artifacts':
      return <ArtifactsPage />;
    case 'artifact-key':
      return <ArtifactKeyPage key={route.key} artifactKey={route.key} />;
    case 'variables':
      return <VariablesPage />;
    case 'blocks':
      return <BlocksPage />;
    case 'automations':
      return <AutomationsPage />;
    default:
      return null;
  }
}

/** The shortcuts that act on every page, away from fields and dialogs. */
function useAppShortcuts() {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) =>
      handleShortcut(
        event,
        'app',
        {
          'app.shortcuts': (event) => {
            event.preventDefault();
            openDialog({ type: 'shortcuts' });
          },
        },
        () => !(uiStore.getState().dialog || typingIn(event.target)),
      );
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

/** How often a server that does not answer is asked again, and one that does is checked on. */
const RECHECK_MS = 5000;
const WATCH_MS = 15_000;

/** Which server answers, and whether it wants a key: asked on load, and again while it does not answer. */
function useServerHealth() {
  const { client } = useServices();
  const status = useStore(uiStore, (s) => s.server.status);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    let live = true;
    client.health().then(
      (health) => {
        if (!live) return;
        if (health.status === 'ok') uiStore.setState({ server: { status: 'ok', version: health.version } });
        else uiStore.setState({ server: { status: 'degraded', version: health.version, detail: health.problems.map((p) => p.message).join('; ') } });
      },
      (error: unknown) => {
        if (!live) return;
        if (error instanceof ApiError && error.status === 401) {
          uiStore.setState({ server: { status: 'unauthorized', detail: error.message } });
          openDialog({ type: 'apiKey', message: error.message });
        } else {
          const detail = error instanceof ApiUnreachableError || error instanceof Error ? error.message : String(error);
          uiStore.setState({ server: { status: 'unreachable', detail } });
        }
      },
    );
    return () => {
      live = false;
    };
  }, [client, attempt]);
  useEffect(() => {
    // A server that stops answering is noticed within a while, and one that comes back within a few seconds.
    if (status === 'checking' || status === 'unauthorized') return;
    const timer = setTimeout(() => setAttempt((n) => n + 1), status === 'unreachable' || status === 'degraded' ? RECHECK_MS : WATCH_MS);
    return () => clearTimeout(timer);
  }, [status, attempt]);
  return () => setAttempt((n) => n + 1);
}

/** Says plainly when the server answers but cannot store anything (a full disk), and that nothing is lost meanwhile. */
function ServerCannotWriteBanner() {
  const { server } = useServices();
  const health = useStore(uiStore, (s) => s.server);
  if (health.status !== 'degraded') return null;
  return (
    <div className="fd-notice is-warning fd-server-down" role="alert" data-testid="server-cannot-write">
      <span>
        The server at <code>{serverLabel(server.baseUrl)}</code> cannot store what it is sent
        {health.detail ? `: ${health.detail}` : ''}. Runs that report to it keep their states and logs and send them again once it can, so nothing is
        lost; this page shows what was stored before. It is asked again every few seconds.
      </span>
    </div>
  );
}

/** Says plainly when the server does not answer, keeps what is on the page, and offers to try again or switch. */
function ServerDownBanner({ onRetry }: { onRetry: () => void }) {
  const { server } = useServices();
  const health = useStore(uiStore, (s) => s.server);
  if (health.status !== 'unreachable') return null;
  const otherOrigin = new URL(server.baseUrl, location.href).origin !== location.origin && location.protocol.startsWith('http');
  return (
    <div className="fd-notice is-error fd-server-down" role="alert" data-testid="server-down">
      <span>
        The server at <code>{serverLabel(server.baseUrl)}</code>
        {server.profile ? ` (profile ${server.profile})` : ''} does not answer{health.detail ? ` (${health.detail})` : ''}. Nothing on this page is
        lost; it is asked again every few seconds.{' '}
        {otherOrigin ? `If it is running, it may not let this page in: start it with FLOWDECK_SERVER_CORS_ORIGINS=${location.origin}. ` : ''}
        {server.profile && server.profile !== DEFAULT_PROFILE ? 'Or pick another profile.' : 'Start it with `npm start` or `flowdeck server start`.'}
      </span>
      <SwitchToLocal />
      <button type="button" className="fd-button" onClick={onRetry}>
        Try again now
      </button>
    </div>
  );
}
