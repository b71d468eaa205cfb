import { parseRoute } from './routes.js';
import type { ProfileBook } from './profiles.js';
import { mayLeave } from './leave-guard.js';
import { showToast } from './ui-store.js';

/**
 * Makes a profile the active one and loads the app again against its server. A page of one run
 * does not exist on the other server, so it becomes the list of runs.
 */
export async function switchProfile(profiles: ProfileBook, name: string): Promise<void> {
  if (!(await mayLeave(`switch to profile ${name}`))) return;
  try {
    await profiles.use(name);
  } catch (error) {
    showToast(error instanceof Error ? error.message : String(error), 'error');
    return;
  }
  if (parseRoute(location.hash).page === 'run') history.replaceState(null, '', '#/runs');
  location.reload();
}
