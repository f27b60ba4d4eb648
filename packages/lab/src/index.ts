export * from './lab-layout.js';
export * from './lab-state.js';
export * from './lab-ldap.js';
export * from './lab-users.js';
export * from './fixtures.js';
export * from './samba-tool.js';
export * from './bulk-users.js';
export { labUp, labDown, labReset, labStatus } from './lab.js';
export * from './openldap/index.js';
