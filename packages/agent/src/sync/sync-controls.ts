import { Control } from 'ldapts';
import { CONTROL_OIDS } from '../directory/index.js';

/**
 * LDAP_SERVER_SHOW_DELETED (MS-ADTS 3.1.1.3.4.1.14): the search also returns tombstones,
 * which keep objectGUID, so a deleted user can be named to the cloud. No value.
 */
export class ShowDeletedControl extends Control {
  constructor() {
    super(CONTROL_OIDS.showDeleted, { critical: true });
  }
}

/**
 * LDAP_SERVER_NOTIFICATION (MS-ADTS 3.1.1.3.4.1.9): the search never ends; the DC sends an
 * entry each time an object in scope changes. AD accepts it only with the filter
 * (objectClass=*), and a subtree scope only on a naming-context head. No value.
 */
export class NotificationControl extends Control {
  constructor() {
    super(CONTROL_OIDS.notification, { critical: true });
  }
}
