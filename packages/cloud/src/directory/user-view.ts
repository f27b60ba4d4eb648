import { toBool } from '../store/connect.js';
import type { AdminRole, UserRow } from '../store/tables.js';

/** The API shape of a user. It never carries the password hash or sign-in counters. */
export interface UserView {
  id: string;
  source: 'cloud' | 'synced';
  upn: string;
  displayName: string;
  givenName: string | null;
  surname: string | null;
  email: string | null;
  enabled: boolean;
  lockedOut: boolean;
  passwordLastSetAt: string | null;
  roles: AdminRole[];
  onPremises: {
    sourceAnchor: string;
    distinguishedName: string | null;
    samAccountName: string | null;
    syncedAt: string | null;
  } | null;
  createdAt: string;
  updatedAt: string;
}

export function toUserView(row: UserRow, roles: AdminRole[]): UserView {
  return {
    id: row.id,
    source: row.source,
    upn: row.upn,
    displayName: row.display_name,
    givenName: row.given_name,
    surname: row.family_name,
    email: row.email,
    enabled: toBool(row.enabled),
    lockedOut: toBool(row.locked_out),
    passwordLastSetAt: row.password_last_set_at,
    roles,
    onPremises:
      row.source === 'synced' && row.source_anchor
        ? {
            sourceAnchor: row.source_anchor,
            distinguishedName: row.on_prem_dn,
            samAccountName: row.sam_account_name,
            syncedAt: row.synced_at,
          }
        : null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
