// The release is spelled once in code (core's FLOWDECK_VERSION) and once for npm (package.json);
// the CLI, the server's health check and the desktop app all read the former.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FLOWDECK_VERSION } from '../../app/core/api/index.js';

describe('the version', () => {
  it("is the package's version", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(FLOWDECK_VERSION).toBe(pkg.version);
  });
});
