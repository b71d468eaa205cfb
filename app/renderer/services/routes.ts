/** The pages of the app, addressed by the URL's hash so links and reloads land where they point. */
export type Route =
  | { page: 'builder' }
  | { page: 'dashboard' }
  | { page: 'runs' }
  | { page: 'run'; flowRunId: string; taskRunId?: string };

export type PageName = Route['page'];

const RUN_ID = /^[A-Za-z0-9-]{1,64}$/;

/** The route a hash names; anything unknown is the builder, the app's first page. */
export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#\/?/, '').replace(/\/+$/, '');
  const parts = path.split('/').map((part) => decodeURIComponent(part));
  if (parts[0] === 'dashboard') return { page: 'dashboard' };
  if (parts[0] === 'runs') {
    if (parts.length === 1) return { page: 'runs' };
    if (RUN_ID.test(parts[1])) {
      if (parts[2] === 'tasks' && parts[3] && RUN_ID.test(parts[3])) return { page: 'run', flowRunId: parts[1], taskRunId: parts[3] };
      return { page: 'run', flowRunId: parts[1] };
    }
    return { page: 'runs' };
  }
  return { page: 'builder' };
}

export function routeHash(route: Route): string {
  switch (route.page) {
    case 'builder':
      return '#/';
    case 'dashboard':
      return '#/dashboard';
    case 'runs':
      return '#/runs';
    case 'run':
      return `#/runs/${encodeURIComponent(route.flowRunId)}${route.taskRunId ? `/tasks/${encodeURIComponent(route.taskRunId)}` : ''}`;
  }
}
