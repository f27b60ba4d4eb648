export * from './openldap-layout.js';
export * from './openldap-state.js';
export * from './openldap-users.js';
export * from './openldap-fixtures.js';
export { openLdapUp, openLdapDown, openLdapReset, openLdapStatus } from './openldap-lab.js';
export * from './openldap-bulk-users.js';
