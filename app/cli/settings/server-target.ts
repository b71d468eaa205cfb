import type { ProfileSettings, Settings } from '../../core/settings/index.js';

/** Which server the CLI talks to: the local database in FLOWDECK_HOME, or a Flowdeck API. */
export type ServerTarget = { kind: 'local'; databasePath: string } | { kind: 'remote'; apiUrl: string };

export function serverTarget(settings: Pick<Settings, 'FLOWDECK_API_URL'>, databasePath: string): ServerTarget {
  return settings.FLOWDECK_API_URL === null ? { kind: 'local', databasePath } : { kind: 'remote', apiUrl: settings.FLOWDECK_API_URL };
}

export function describeServerTarget(target: ServerTarget): string {
  return target.kind === 'local' ? `local database ${target.databasePath}` : target.apiUrl;
}

/** The server a profile's own settings point at, whatever the environment says. */
export function describeProfileServer(values: ProfileSettings, databasePath: string): string {
  return describeServerTarget(serverTarget({ FLOWDECK_API_URL: values.FLOWDECK_API_URL ?? null }, databasePath));
}
