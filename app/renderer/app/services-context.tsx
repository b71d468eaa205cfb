import { createContext, useContext } from 'react';
import type { ApiClient } from '../../core/api/client.js';
import type { DesktopFiles } from '../builder/model/workspace-files.js';
import type { ProfileBook } from './profiles.js';
import type { ServerTarget } from './server.js';

/** What every page may reach: the server the app reads and writes, and the desktop app when there is one. */
export interface AppServices {
  client: ApiClient;
  server: ServerTarget;
  /** The desktop app's file dialogs and workspace; null in the web UI. */
  desktop: DesktopFiles | null;
  /** The profiles to switch between. */
  profiles: ProfileBook;
}

export const ServicesContext = createContext<AppServices | null>(null);

export function useServices(): AppServices {
  const services = useContext(ServicesContext);
  if (!services) throw new Error('views must be rendered inside ServicesContext');
  return services;
}
