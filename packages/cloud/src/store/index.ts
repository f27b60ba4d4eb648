export * from './connect.js';
export * from './dialect.js';
export * from './tables.js';
