export * from './automation.js';
export * from './trigger.js';
export * from './trigger-match.js';
export * from './template.js';
export * from './actions/index.js';
export type { ActionType } from './actions/action-type.js';
export * from './describe.js';
