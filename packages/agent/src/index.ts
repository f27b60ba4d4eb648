export * from './directory/index.js';
