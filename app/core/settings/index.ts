export * from './home.js';
export * from './errors.js';
export * from './registry.js';
export * from './resolve.js';
export * from './profiles.js';
export * from './profiles-data.js';
export * from './toml-lines.js';
export * from './profiles-toml.js';
export { hostNameList, originList, parseHostNames } from './parsers.js';
