export * from './directory/index.js';
export * from './config/agent-config.js';
export * from './state/agent-state.js';
export * from './state/enroll.js';
export * from './state/operation-journal.js';
export * from './writeback/operation-executor.js';
export * from './transport/agent-channel.js';
export * from './agent-runtime.js';
