import { AdConnector } from './ad/ad-connector.js';
import type { Clock } from './dc-endpoints.js';
import type { DirectoryConfig } from './directory-config.js';
import type { DcObserver } from './timed-client.js';
import { OpenLdapConnector } from './openldap/openldap-connector.js';

/** The connector for the configured directory dialect. */
export function createDirectoryConnector(
  config: DirectoryConfig,
  clock?: Clock,
  observer?: DcObserver,
): AdConnector | OpenLdapConnector {
  return config.dialect === 'openldap'
    ? new OpenLdapConnector(config, clock, observer)
    : new AdConnector(config, clock, observer);
}
