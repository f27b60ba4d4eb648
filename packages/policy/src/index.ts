export * from './ad-complexity.js';
export * from './directory-rules.js';
