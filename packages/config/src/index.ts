export * from './config-key.js';
export * from './load-config.js';
export * from './config-doc.js';
export * from './config-yaml.js';
export * from './metrics-listener.js';
