import { AdConnector } from './ad/ad-connector.js';
import type { Clock } from './dc-endpoints.js';
import type { DirectoryConfig } from './directory-config.js';
import { OpenLdapConnector } from './openldap/openldap-connector.js';

/** The connector for the configured directory dialect. */
export function createDirectoryConnector(
  config: DirectoryConfig,
  clock?: Clock,
): AdConnector | OpenLdapConnector {
  return config.dialect === 'openldap'
    ? new OpenLdapConnector(config, clock)
    : new AdConnector(config, clock);
}
