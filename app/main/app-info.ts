import { FLOWDECK_VERSION } from '../core/api/index.js';
import type { AppInfo, ServerConnection } from '../core/index.js';

interface AppInfoInputs {
  home: string;
  workspace: string;
  localServerUrl: string;
  profile: string;
  server: ServerConnection;
  /** `process.versions` of the main process. */
  versions: Record<string, string | undefined>;
  platform?: string;
  arch?: string;
}

/** What the window may know about the app it runs in. */
export function appInfo(inputs: AppInfoInputs): AppInfo {
  return {
    name: 'Flowdeck',
    version: FLOWDECK_VERSION,
    platform: inputs.platform ?? process.platform,
    arch: inputs.arch ?? process.arch,
    versions: {
      electron: inputs.versions.electron ?? null,
      chrome: inputs.versions.chrome ?? null,
      node: inputs.versions.node ?? process.versions.node,
    },
    home: inputs.home,
    workspace: inputs.workspace,
    localServerUrl: inputs.localServerUrl,
    profile: inputs.profile,
    server: inputs.server,
  };
}
