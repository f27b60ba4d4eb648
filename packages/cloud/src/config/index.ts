export * from './schema.js';
export * from './keys.js';
export * from './load.js';
export * from './config-doc.js';
