import { useEffect, type ReactNode } from 'react';
import type { Route } from '../../app/routes.js';
import { Brand, PageTabs, ServerStatus, Toast } from '../../app/AppChrome.js';
import { markReady } from '../../app/ready.js';
import { DashboardPage } from './DashboardPage.js';
import { RunAddress } from './RunAddress.js';
import { RunsPage } from './RunsPage.js';

/** The monitoring pages: what runs, what failed, and why; other features' pages (`children`) show in the same frame. */
export function MonitorShell({ route, children }: { route: Exclude<Route, { page: 'builder' }>; children?: ReactNode }) {
  useEffect(() => {
    markReady();
  }, []);
  return (
    <div className="fd-app fd-monitor">
      <header className="fd-topbar">
        <Brand />
        <PageTabs current={route.page} />
        <span className="fd-spacer" />
        <ServerStatus />
        <Toast />
      </header>
      <main className="fd-monitor-main">
        {route.page === 'dashboard' ? <DashboardPage /> : null}
        {route.page === 'runs' ? <RunsPage linkedPool={route.pool} /> : null}
        {route.page === 'run' ? <RunAddress route={route} /> : null}
        {children}
      </main>
    </div>
  );
}
