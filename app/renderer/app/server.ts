/** Which Flowdeck server the UI talks to, and how the top bar names it. */
export interface ServerTarget {
  /** The API base, including `/api`. */
  baseUrl: string;
  apiKey?: string;
  /** The profile it comes from, when the desktop app says. */
  profile?: string;
}

/**
 * The API of the server that served this page: `api` beside the page, so a server behind a
 * proxy at a sub-path still works.
 */
export function sameOriginApi(pageUrl: string): string {
  const url = new URL('api', new URL('.', pageUrl));
  return url.toString().replace(/\/+$/, '');
}

/** `127.0.0.1:4300` for `http://127.0.0.1:4300/api`; the whole URL when it is not one. */
export function serverLabel(baseUrl: string): string {
  try {
    const url = new URL(baseUrl);
    const path = url.pathname.replace(/\/api\/?$/, '').replace(/\/+$/, '');
    return `${url.host}${path}`;
  } catch {
    return baseUrl;
  }
}
