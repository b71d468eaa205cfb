/**
 * Declarations the editor adds beside the SDK's own: flow files run in Node and import packages
 * the browser cannot see, so every other module is typed loosely rather than flagged as missing,
 * and Node's common globals exist.
 */
export const AMBIENT_LIBS: { filePath: string; content: string }[] = [
  {
    filePath: 'file:///node_modules/@types/flowdeck-ambient/index.d.ts',
    content: [
      "declare module '*';",
      'declare const process: { env: Record<string, string | undefined>; argv: string[]; cwd(): string; exit(code?: number): never; platform: string };',
      'declare const Buffer: any;',
      'declare const __dirname: string;',
      'declare const __filename: string;',
      '',
    ].join('\n'),
  },
];

/** The compiler settings flow files are checked with: as `flowdeck run` transpiles them. */
export const FLOW_COMPILER_OPTIONS = {
  strict: true,
  noEmit: true,
  allowNonTsExtensions: true,
  esModuleInterop: true,
  allowSyntheticDefaultImports: true,
  skipLibCheck: true,
} as const;
