export * from './user-reference.js';
export * from './protocol-version.js';
export * from './operation.js';
export * from './messages.js';
export * from './envelope.js';
export * from './sync.js';
export * from './json-schema.js';
export * from './doctor.js';
