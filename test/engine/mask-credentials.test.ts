import { describe, expect, it } from 'vitest';
import { maskCredentials, maskCredentialsInJson } from '../../app/engine/mask-credentials.js';
import { inputsPreviewOf } from '../../app/engine/previews.js';

/** Passwords that hold what a URL would rather have percent-encoded, each one raw in the URL. */
const AWKWARD_PASSWORDS = [
  'my secret',
  'pa"ss',
  'pa/ss',
  'pa#ss',
  'pa?ss',
  'p@ss word',
  'p:ss/word',
  'p\\ss word',
  '100% /x',
  'p%40ss%2F w',
  'p@ss wo"rd/#?\\:x',
  'p/ss@db/w',
];

describe('maskCredentials', () => {
  it('masks the password of URLs, up to the last @ of the authority, and password query parameters', () => {
    expect(maskCredentials('postgres://ada:s3cret@db:5432/app')).toBe('postgres://ada:***@db:5432/app');
    expect(maskCredentials('postgresql://ada:p@ss:w0rd@db/app')).toBe('postgresql://ada:***@db/app');
    expect(maskCredentials('postgres://ada@db/app?sslmode=require&password=s3cret')).toBe('postgres://ada@db/app?sslmode=require&password=***');
    expect(maskCredentials('see https://u:tok@example.com/x and ftp://v:w@h/')).toBe('see https://u:***@example.com/x and ftp://v:***@h/');
  });

  it('masks a URL password whatever it holds, in plain text', () => {
    for (const password of AWKWARD_PASSWORDS) {
      expect(maskCredentials(`postgres://ada:${password}@db:5432/app`), password).toBe('postgres://ada:***@db:5432/app');
      expect(maskCredentials(`query on postgres://ada:${password}@db/app failed: timeout`), password).toBe(
        'query on postgres://ada:***@db/app failed: timeout',
      );
    }
  });

  it('masks a URL password whatever it holds, in JSON text, where its string ends it', () => {
    for (const password of AWKWARD_PASSWORDS) {
      const json = JSON.stringify([{ connection: `postgres://ada:${password}@db/app`, sql: 'SELECT 1', contact: 'a@b.c' }]);
      expect(maskCredentials(json), password).toBe('[{"connection":"postgres://ada:***@db/app","sql":"SELECT 1","contact":"a@b.c"}]');
      expect(inputsPreviewOf([{ url: `postgres://ada:${password}@db/app` }]), password).toBe('[{"url":"postgres://ada:***@db/app"}]');
    }
    // JSON may spell a URL with escapes.
    expect(maskCredentials('{"url":"postgres:\\/\\/ada:s3cret@db\\/app"}')).toBe('{"url":"postgres://ada:***@db/app"}');
    // Text that only looks like JSON is plain text, where a quote may be part of the password.
    expect(maskCredentials('[db] connection "postgres://ada:pa"ss@db/app" refused')).toBe('[db] connection "postgres://ada:***@db/app" refused');
    // A preview cut inside a string still has the password in that string masked.
    expect(maskCredentialsInJson('["postgres://ada:pa\\"ss@db/ap')).not.toContain('ss@');
  });

  it('masks a database URL password that begins with digits, which a web URL would take for a port', () => {
    expect(maskCredentials('postgres://ada:5432/x y@db/app')).toBe('postgres://ada:***@db/app');
    expect(maskCredentials('http://localhost:4873/@scope/pkg')).toBe('http://localhost:4873/@scope/pkg');
  });

  it('masks the password of a user that holds an @, as URL parsers read it', () => {
    expect(maskCredentials('postgres://ada@server:s3cret@server.example.com/app')).toBe('postgres://ada@server:***@server.example.com/app');
  });

  it('masks a password with a line break in it, which URL parsers drop', () => {
    expect(maskCredentials('postgres://ada:s3c\nret@db/app')).toBe('postgres://ada:***@db/app');
  });

  it('masks a password query parameter up to the next parameter, spaces and quotes included', () => {
    expect(maskCredentials('postgres://db/app?password=my "secret"&sslmode=require')).toBe('postgres://db/app?password=***&sslmode=require');
    expect(maskCredentials('["postgres://db/app?password=my secret"]')).toBe('["postgres://db/app?password=***"]');
  });

  it('masks the password of libpq key=value connection strings, in plain and JSON text', () => {
    expect(maskCredentials('host=db user=ada password=s3cret dbname=app')).toBe('host=db user=ada password=*** dbname=app');
    expect(maskCredentials("host=db password='my \\' secret \\\\' dbname=app")).toBe('host=db password=*** dbname=app');
    expect(maskCredentials('host=db password = s3cret dbname=app')).toBe('host=db password = *** dbname=app');
    expect(maskCredentials('host=db password=my\\ secret dbname=app')).toBe('host=db password=*** dbname=app');
    expect(maskCredentials("host=db password='never closed dbname=app")).toBe('host=db password=***');
    expect(maskCredentials('PGPASSWORD=s3cret psql -h db')).toBe('PGPASSWORD=*** psql -h db');
    expect(inputsPreviewOf([{ connection: "host=db user=ada password='my secret' dbname=app" }])).toBe(
      '[{"connection":"host=db user=ada password=*** dbname=app"}]',
    );
    expect(inputsPreviewOf(['psql', ['-d', 'host=db password=s3cret']])).toBe('["psql",["-d","host=db password=***"]]');
  });

  it('leaves URLs without a password, and text around them, as they are', () => {
    for (const text of [
      'http://localhost:8080/a',
      'postgres://ada@db/app',
      'mail a@b.c',
      '{"url":"http://localhost:8080","email":"a@b.c"}',
      'no url',
      'http://localhost:4873/@scope/pkg',
      'GET http://localhost:8080/users/ada@example.com answered 404',
      'GET http://localhost:8080/a failed; write to a@b.c',
      'the server (http://localhost:8080), mail a@b.c',
      'https://[::1]:8080/a@b',
      'password authentication failed for user "ada"',
      '["see https://example.com: a@b.c", "password reset"]',
    ]) {
      expect(maskCredentials(text)).toBe(text);
    }
    expect(maskCredentials('postgres://ada:s3cret@db failed\n    at run (/app/node_modules/@scope/pg/index.js:1:1)')).toBe(
      'postgres://ada:***@db failed\n    at run (/app/node_modules/@scope/pg/index.js:1:1)',
    );
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
