export * from './admin-sign-in.js';
export * from './bootstrap.js';
export * from './sessions.js';
