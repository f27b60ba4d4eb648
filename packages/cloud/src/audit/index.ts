export * from './audit-log.js';
export * from './audit-query.js';
