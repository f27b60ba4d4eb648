export * from './secret.js';
export * from './password-rules.js';
export * from './outcomes.js';
export * from './error-registry.js';
export * from './error-fields.js';
export * from './errors-doc.js';
export * from './directory-policy.js';
export * from './agent/index.js';
