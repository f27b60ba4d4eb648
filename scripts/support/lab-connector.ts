import { AdConnector, parseDirectoryConfig, type DirectoryConfigInput } from '@ferry/agent';
import type { LabState } from '@ferry/lab';
import { Secret } from '@ferry/protocol';

/** The agent's connector to the lab DC as its least-privilege service account. */
export function labConnector(
  lab: LabState,
  overrides: Partial<DirectoryConfigInput> = {},
): AdConnector {
  return new AdConnector(
    parseDirectoryConfig({
      urls: [lab.ldapsUrl],
      caFile: lab.caFile,
      bindDn: lab.serviceAccount.dn,
      bindPassword: Secret.of(lab.serviceAccount.password),
      baseDn: lab.baseDn,
      ...overrides,
    }),
  );
}
