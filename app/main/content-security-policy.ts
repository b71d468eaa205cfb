/**
 * The content security policy of every page the app serves. Code comes only from the app itself;
 * the page may talk to the embedded server and to the active profile's server, nothing else.
 */
interface CspOrigins {
  /** The embedded server, e.g. `http://127.0.0.1:51234`. */
  localServer: string;
  /** The active profile's FLOWDECK_API_URL, when it names another server. */
  profileServer?: string | null;
}

/** The http(s) origin of a URL and its WebSocket twin; none for anything else. */
export function serverOrigins(url: string | null | undefined): string[] {
  if (!url) return [];
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return [];
  const ws = parsed.protocol === 'https:' ? 'wss:' : 'ws:';
  return [parsed.origin, `${ws}//${parsed.host}`];
}

export function contentSecurityPolicy(origins: CspOrigins): string {
  const connect = [...new Set(["'self'", ...serverOrigins(origins.localServer), ...serverOrigins(origins.profileServer)])];
  const directives: [string, string[]][] = [
    ['default-src', ["'self'"]],
    ['script-src', ["'self'"]],
    // Monaco and React Flow set styles from script (style elements and attributes).
    ['style-src', ["'self'", "'unsafe-inline'"]],
    ['img-src', ["'self'", 'data:', 'blob:']],
    ['font-src', ["'self'", 'data:']],
    ['connect-src', connect],
    // Monaco starts its language workers from blob: URLs.
    ['worker-src', ["'self'", 'blob:']],
    ['object-src', ["'none'"]],
    ['frame-src', ["'none'"]],
    ['base-uri', ["'none'"]],
    ['form-action', ["'none'"]],
    ['frame-ancestors', ["'none'"]],
  ];
  return directives.map(([name, sources]) => `${name} ${sources.join(' ')}`).join('; ');
}
