/** The pages of the app, addressed by the URL's hash so links and reloads land where they point. */
export type Route =
  | { page: 'builder' }
  | { page: 'dashboard' }
  | { page: 'runs'; pool?: string }
  | { page: 'run'; flowRunId: string; taskRunId?: string; view?: RunPageView }
  | { page: 'deployments' }
  | { page: 'deployment'; deploymentId: string }
  | { page: 'work-pools' }
  | { page: 'work-pool'; pool: string }
  | { page: 'artifacts' }
  | { page: 'artifact-key'; key: string }
  | { page: 'variables' }
  | { page: 'blocks' }
  | { page: 'automations' };

/** The views of a flow run's page; the graph unless the hash names another, so a link can open its logs. */
const RUN_PAGE_VIEWS = ['graph', 'timeline', 'logs', 'artifacts', 'details'] as const;
export type RunPageView = (typeof RUN_PAGE_VIEWS)[number];

function runPageView(query: string): RunPageView | undefined {
  const view = new URLSearchParams(query).get('view');
  return view !== 'graph' && RUN_PAGE_VIEWS.some((known) => known === view) ? (view as RunPageView) : undefined;
}

export type PageName = Route['page'];

const RUN_ID = /^[A-Za-z0-9-]{1,64}$/;
/** Deployment ids and pool names as the API takes them; anything else is the page's listing. */
const DEPLOYMENT_ID = /^[A-Za-z0-9._-]{1,256}$/;
const POOL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Artifact keys as the API takes them. */
const ARTIFACT_KEY = /^[a-z0-9-]{1,255}$/;

/** The route a hash names; anything unknown is the builder, the app's first page. */
export function parseRoute(hash: string): Route {
  const [pathPart, query = ''] = hash.replace(/^#\/?/, '').split('?', 2);
  const path = pathPart.replace(/\/+$/, '');
  const parts = path.split('/').map((part) => decodeURIComponent(part));
  if (parts[0] === 'dashboard') return { page: 'dashboard' };
  if (parts[0] === 'runs') {
    if (parts.length === 1) {
      const pool = new URLSearchParams(query).get('pool');
      return pool !== null && POOL_NAME.test(pool) ? { page: 'runs', pool } : { page: 'runs' };
    }
    if (RUN_ID.test(parts[1])) {
      const view = runPageView(query);
      const taskRunId = parts[2] === 'tasks' && parts[3] && RUN_ID.test(parts[3]) ? parts[3] : undefined;
      return { page: 'run', flowRunId: parts[1], ...(taskRunId ? { taskRunId } : {}), ...(view ? { view } : {}) };
    }
    return { page: 'runs' };
  }
  if (parts[0] === 'deployments') {
    return parts.length > 1 && DEPLOYMENT_ID.test(parts[1]) ? { page: 'deployment', deploymentId: parts[1] } : { page: 'deployments' };
  }
  if (parts[0] === 'work-pools') {
    return parts.length > 1 && POOL_NAME.test(parts[1]) ? { page: 'work-pool', pool: parts[1] } : { page: 'work-pools' };
  }
  if (parts[0] === 'artifacts') {
    return parts.length > 1 && ARTIFACT_KEY.test(parts[1]) ? { page: 'artifact-key', key: parts[1] } : { page: 'artifacts' };
  }
  if (parts[0] === 'variables') return { page: 'variables' };
  if (parts[0] === 'blocks') return { page: 'blocks' };
  if (parts[0] === 'automations') return { page: 'automations' };
  return { page: 'builder' };
}

export function routeHash(route: Route): string {
  switch (route.page) {
    case 'builder':
      return '#/';
    case 'dashboard':
      return '#/dashboard';
    case 'runs':
      return route.pool ? `#/runs?pool=${encodeURIComponent(route.pool)}` : '#/runs';
    case 'run':
      return `#/runs/${encodeURIComponent(route.flowRunId)}${route.taskRunId ? `/tasks/${encodeURIComponent(route.taskRunId)}` : ''}${route.view && route.view !== 'graph' ? `?view=${route.view}` : ''}`;
    case 'deployments':
      return '#/deployments';
    case 'deployment':
      return `#/deployments/${encodeURIComponent(route.deploymentId)}`;
    case 'work-pools':
      return '#/work-pools';
    case 'work-pool':
      return `#/work-pools/${encodeURIComponent(route.pool)}`;
    case 'artifacts':
      return '#/artifacts';
    case 'artifact-key':
      return `#/artifacts/${encodeURIComponent(route.key)}`;
    case 'variables':
      return '#/variables';
    case 'blocks':
      return '#/blocks';
    case 'automations':
      return '#/automations';
  }
}
