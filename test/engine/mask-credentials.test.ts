import { describe, expect, it } from 'vitest';
import { maskCredentials } from '../../app/engine/mask-credentials.js';
import { inputsPreviewOf } from '../../app/engine/previews.js';

describe('maskCredentials', () => {
  it('masks the password of URLs, up to the last @ of the authority, and password query parameters', () => {
    expect(maskCredentials('postgres://ada:s3cret@db:5432/app')).toBe('postgres://ada:***@db:5432/app');
    expect(maskCredentials('postgresql://ada:p@ss:w0rd@db/app')).toBe('postgresql://ada:***@db/app');
    expect(maskCredentials('postgres://ada@db/app?sslmode=require&password=s3cret')).toBe('postgres://ada@db/app?sslmode=require&password=***');
    expect(maskCredentials('see https://u:tok@example.com/x and ftp://v:w@h/')).toBe('see https://u:***@example.com/x and ftp://v:***@h/');
  });

  it('leaves URLs without a password, and text around them, as they are', () => {
    for (const text of ['http://localhost:8080/a', 'postgres://ada@db/app', 'mail a@b.c', '{"url":"http://localhost:8080","email":"a@b.c"}', 'no url']) {
      expect(maskCredentials(text)).toBe(text);
    }
  });

  it('masks before a preview is cut, so no part of a password survives the cut', () => {
    const args = [{ sql: 'x'.repeat(40), connection: `postgres://ada:${'s'.repeat(100)}@db/app` }];
    const preview = inputsPreviewOf(args, 80);
    expect(preview).not.toContain('sss');
    expect(inputsPreviewOf(args)).toContain('postgres://ada:***@db/app');
    // Quotes in a password are escaped in JSON; the mask still covers all of it.
    expect(inputsPreviewOf([{ url: 'postgres://ada:p"w\\d@db/app' }])).toBe('[{"url":"postgres://ada:***@db/app"}]');
  });
});
