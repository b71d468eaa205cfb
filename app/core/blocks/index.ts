export * from './block-type.js';
export * from './block-types.js';
export * from './registry.js';
export * from './secret-strings.js';
