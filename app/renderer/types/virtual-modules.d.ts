/** Built by vite.config.ts from the SDK declarations tsc emits (dist/app/engine, dist/app/core). */
declare module 'virtual:flowdeck-sdk-types' {
  export const sdkTypeLibs: { filePath: string; content: string }[];
}
