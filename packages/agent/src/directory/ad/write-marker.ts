import { Attribute, Change, type Client } from 'ldapts';

/**
 * The per-user write marker (ADR 0011): a single-valued attribute of the user that holds the
 * ids of the last operations Ferry wrote to that user. Every password write is one LDAP modify
 * that also swaps the marker value read before it for a new one carrying the operation's id.
 * AD applies a modify to an entry as a whole or not at all, so when another writer changed the
 * marker first, the value-specific delete (or, with no value, the single-valued add) fails and
 * the password is not written either.
 */
export const DEFAULT_WRITE_MARKER_ATTRIBUTE = 'msDS-cloudExtensionAttribute20';

/** An LDAP attribute name (what the config accepts for the marker). */
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9-]{0,63}$/;

const PREFIX = 'ferry:1';
/** Enough to recognise an operation retried within its 30 s life; bounded so the value stays small. */
const KEPT_IDS = 12;

/** The operation ids a marker value carries, newest first ([] for no or a foreign value). */
export function markerIds(value: string | undefined): string[] {
  if (!value) return [];
  const [prefix, ...ids] = value.split(' ');
  return prefix === PREFIX ? ids.filter((id) => id.length > 0) : [];
}

export function carriesOperation(value: string | undefined, operationId: string): boolean {
  return markerIds(value).includes(operationId.toLowerCase());
}

/**
 * The entry a fence leaves for an operation (ADR 0016): `!<id>`. Once it is in the marker, no
 * write of that operation can land (its modify deletes a value read before the fence) and none
 * is tried (an agent that reads it answers `expired`).
 */
export function fenceToken(operationId: string): string {
  return `!${operationId.toLowerCase()}`;
}

export function isFenced(value: string | undefined, operationId: string): boolean {
  return markerIds(value).includes(fenceToken(operationId));
}

/**
 * The value written with an operation (or a fence): its entry first, then the most recent
 * earlier ones.
 */
export function nextMarkerValue(previous: string | undefined, entry: string): string {
  const ids = [entry.toLowerCase(), ...markerIds(previous)].slice(0, KEPT_IDS);
  return [PREFIX, ...ids].join(' ');
}

/**
 * The changes that make a modify conditional on the marker still being `previous`: delete that
 * exact value (fails with noSuchAttribute when it changed) or, with none, add to a single-valued
 * attribute (fails with attributeOrValueExists when one appeared).
 */
export function markerChanges(
  attribute: string,
  previous: string | undefined,
  entry: string,
): Change[] {
  const next = nextMarkerValue(previous, entry);
  const changes: Change[] = [];
  if (previous !== undefined) {
    changes.push(
      new Change({
        operation: 'delete',
        modification: new Attribute({ type: attribute, values: [previous] }),
      }),
    );
  }
  changes.push(
    new Change({
      operation: 'add',
      modification: new Attribute({ type: attribute, values: [next] }),
    }),
  );
  return changes;
}

/** The marker as the DC holds it now (undefined: no value). */
export async function readMarker(
  client: Client,
  dn: string,
  attribute: string,
): Promise<string | undefined> {
  const { searchEntries } = await client.search(dn, {
    scope: 'base',
    filter: '(objectClass=user)',
    attributes: [attribute],
  });
  return markerText(searchEntries[0]?.[attribute]);
}

/** An attribute value of a search entry as text (ldapts gives a string or a list of them). */
export function markerText(value: unknown): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return single === undefined || single === '' ? undefined : String(single);
}

/**
 * Whether the bound account may write the marker on this user: the DC lists, in the
 * constructed `allowedAttributesEffective`, the attributes the caller may write there. For
 * the doctor: without this right every write is refused with insufficient access.
 */
export async function mayWriteMarker(
  client: Client,
  userDn: string,
  attribute: string,
): Promise<boolean> {
  const { searchEntries } = await client.search(userDn, {
    scope: 'base',
    filter: '(objectClass=*)',
    attributes: ['allowedAttributesEffective'],
  });
  const raw = searchEntries[0]?.['allowedAttributesEffective'];
  const allowed = (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map((name) =>
    String(name).toLowerCase(),
  );
  return allowed.includes(attribute.toLowerCase());
}
