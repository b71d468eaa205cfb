import { describe, expect, it } from 'vitest';
import {
  allowNavigation,
  allowPermission,
  isAppUrl,
  isTrustedSender,
  USER_ACTIVATION_MS,
  UserActivation,
  windowOpenDecision,
} from '../../app/main/navigation-guards.js';

describe('navigation', () => {
  it('allows the app scheme only', () => {
    for (const url of ['flowdeck://app/', 'flowdeck://app/index.html', 'flowdeck://app/runs/123?x=1#y']) expect(allowNavigation(url), url).toBe(true);
    for (const url of [
      'https://example.com/',
      'http://127.0.0.1:4300/',
      'file:///etc/passwd',
      'flowdeck://other/index.html',
      'flowdeck://app.evil.com/',
      'flowdeck://user@app/',
      'flowdeck://app:99/',
      'javascript:alert(1)',
      'data:text/html,<script>1</script>',
      'not a url',
    ]) {
      expect(allowNavigation(url), url).toBe(false);
    }
    expect(isAppUrl('flowdeck://app')).toBe(true);
  });
});

describe('new windows and external links', () => {
  it('never opens a window; sends https links to the browser only right after the person acted', () => {
    expect(windowOpenDecision('https://docs.example.com/flows', true)).toEqual({ action: 'deny', openExternally: 'https://docs.example.com/flows' });
    expect(windowOpenDecision('https://docs.example.com/flows', false)).toEqual({ action: 'deny' });
    for (const url of [
      'http://example.com/',
      'file:///etc/passwd',
      'flowdeck://app/x',
      'smb://host/share',
      'https://user:pw@example.com/',
      'javascript:alert(1)',
    ]) {
      expect(windowOpenDecision(url, true), url).toEqual({ action: 'deny' });
    }
  });

  it('counts clicks and key presses as the person acting, for a moment', () => {
    let now = 1000;
    const activation = new UserActivation(() => now);
    expect(activation.active).toBe(false);
    activation.noteInput('mouseMove');
    expect(activation.active).toBe(false);
    activation.noteInput('mouseUp');
    expect(activation.active).toBe(true);
    now += USER_ACTIVATION_MS + 1;
    expect(activation.active).toBe(false);
    activation.noteInput('keyDown');
    expect(activation.active).toBe(true);
  });
});

describe('permissions and IPC senders', () => {
  it('grants the app only clipboard writes, and answers IPC only for its pages', () => {
    expect(allowPermission('clipboard-sanitized-write', 'flowdeck://app/index.html')).toBe(true);
    expect(allowPermission('media', 'flowdeck://app/index.html')).toBe(false);
    expect(allowPermission('clipboard-sanitized-write', 'https://example.com/')).toBe(false);
    expect(isTrustedSender('flowdeck://app/index.html')).toBe(true);
    expect(isTrustedSender('https://example.com/')).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});
