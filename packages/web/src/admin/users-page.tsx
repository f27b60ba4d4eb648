import { useState } from 'react';
import type { MethodView, UserView } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { Button, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';
import { UserPanel } from './user-panel';
import { useLoad } from './use-load';

const PAGE = 25;

/** A row of the users list: the user and the kinds of method they registered. */
type ListedUser = UserView & { readonly methods: readonly MethodView['kind'][] };

/** Users: search by UPN, keyset paging, state at a glance; a row opens the user's panel. */
export function UsersPage(props: { readonly onError: (error: unknown) => void }) {
  const { t, dateTime } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('users');
  const [search, setSearch] = useState('');
  const [query, setQuery] = useState({ search: '', after: '' });
  const [selected, setSelected] = useState<string | null>(null);
  const page = useLoad(
    () => {
      const params = new URLSearchParams({ limit: String(PAGE) });
      if (query.search) params.set('search', query.search);
      if (query.after) params.set('after', query.after);
      return adminApi<{ users: ListedUser[]; nextCursor: string | null }>(`/users?${params}`);
    },
    props.onError,
    [query.search, query.after],
  );
  if (selected) {
    return (
      <UserPanel
        userId={selected}
        onClose={() => {
          setSelected(null);
          page.reload();
        }}
        onError={props.onError}
      />
    );
  }
  return (
    <section>
      <StepHeading focusRef={heading}>{t('admin.users.title')}</StepHeading>
      <form
        role="search"
        className="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          setQuery({ search: search.trim(), after: '' });
        }}
      >
        <TextField
          label={t('admin.users.search')}
          value={search}
          onValue={setSearch}
          type="search"
        />
        <Button type="submit" variant="secondary">
          {t('admin.users.searchButton')}
        </Button>
      </form>
      <OutcomeNotice error={page.error} />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.users.col.upn')}</th>
            <th scope="col">{t('admin.users.col.name')}</th>
            <th scope="col">{t('admin.users.col.source')}</th>
            <th scope="col">{t('admin.users.col.sync')}</th>
            <th scope="col">{t('admin.users.col.state')}</th>
            <th scope="col">{t('admin.users.col.methods')}</th>
          </tr>
        </thead>
        <tbody>
          {(page.data?.users ?? []).map((user) => (
            <tr key={user.id} data-upn={user.upn}>
              <td>
                <button
                  type="button"
                  className="link-button"
                  aria-label={t('admin.users.manage', { name: user.upn })}
                  onClick={() => setSelected(user.id)}
                >
                  {user.upn}
                </button>
              </td>
              <td>{user.displayName}</td>
              <td>{t(`admin.users.source.${user.source}`)}</td>
              <td>
                {user.onPremises?.syncedAt ? dateTime(user.onPremises.syncedAt) : t('common.none')}
              </td>
              <td>
                <UserState user={user} />
              </td>
              <td>
                <UserMethods methods={user.methods} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data && page.data.users.length === 0 ? <p>{t('admin.users.empty')}</p> : null}
      <div className="pager">
        {query.after ? (
          <Button variant="secondary" onClick={() => setQuery({ ...query, after: '' })}>
            {t('common.previous')}
          </Button>
        ) : null}
        {page.data?.nextCursor ? (
          <Button
            variant="secondary"
            onClick={() => setQuery({ ...query, after: page.data?.nextCursor ?? '' })}
          >
            {t('common.next')}
          </Button>
        ) : null}
      </div>
    </section>
  );
}

export function UserState({ user }: { readonly user: UserView }) {
  const { t } = useI18n();
  if (!user.enabled)
    return <span className="badge badge-muted">{t('admin.users.state.disabled')}</span>;
  if (user.lockedOut)
    return <span className="badge badge-warn">{t('admin.users.state.locked')}</span>;
  return <span className="badge badge-ok">{t('admin.users.state.ok')}</span>;
}

/** The kinds of method the user registered (the list carries them). */
function UserMethods({ methods }: { readonly methods: readonly MethodView['kind'][] }) {
  const { t } = useI18n();
  if (methods.length === 0) return <span className="muted">{t('me.security.none')}</span>;
  return <>{methods.map((kind) => t(`me.method.${kind}` as MessageKey)).join(', ')}</>;
}
