import { APP_HOST, APP_SCHEME } from './app-protocol.js';

/** Whether a URL is a page of the app itself. */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST && !parsed.username && !parsed.password && !parsed.port;
}

/** The window may only ever show the app's own pages; every other navigation is stopped. */
export function allowNavigation(url: string): boolean {
  return isAppUrl(url);
}

/** What to do with a request for a new window: never open one; maybe hand an https link to the browser. */
interface WindowOpenDecision {
  action: 'deny';
  /** A link to open in the person's browser. */
  openExternally?: string;
}

/**
 * No page gets a new window. An https link goes to the person's browser, but only right after
 * they clicked or pressed a key in the window: a page cannot open browser tabs on its own.
 */
export function windowOpenDecision(url: string, userActivated: boolean): WindowOpenDecision {
  if (!userActivated) return { action: 'deny' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { action: 'deny' };
  }
  if (parsed.protocol !== 'https:' || parsed.username || parsed.password) return { action: 'deny' };
  return { action: 'deny', openExternally: parsed.href };
}

/** How long after a click or key press a link still counts as the person's doing. */
export const USER_ACTIVATION_MS = 1000;

const ACTIVATING_INPUTS = new Set(['mouseDown', 'mouseUp', 'keyDown', 'keyUp', 'char', 'gestureTap', 'touchEnd']);

/** Remembers when the person last clicked or typed in the window. */
export class UserActivation {
  private lastAt = -Infinity;

  constructor(private readonly now: () => number = Date.now) {}

  /** Told of each input event the window receives, by its type. */
  noteInput(type: string): void {
    if (ACTIVATING_INPUTS.has(type)) this.lastAt = this.now();
  }

  get active(): boolean {
    return this.now() - this.lastAt <= USER_ACTIVATION_MS;
  }
}

/** Permissions a page may have: writing to the clipboard (copy in the editor), nothing else. */
export function allowPermission(permission: string, requestingUrl: string): boolean {
  return isAppUrl(requestingUrl) && permission === 'clipboard-sanitized-write';
}

/** IPC is answered only for the app's own pages, not for anything a frame may have navigated to. */
export function isTrustedSender(frameUrl: string | undefined | null): boolean {
  return typeof frameUrl === 'string' && isAppUrl(frameUrl);
}
