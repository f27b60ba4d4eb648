import { useState } from 'react';
import type { AuditEvent } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button, TextField } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';
import { useLoad } from './use-load';

interface Filters {
  readonly action: string;
  readonly result: string;
  readonly from: string;
  readonly to: string;
  readonly before: number | null;
}

const empty: Filters = { action: '', result: '', from: '', to: '', before: null };

/** The audit log, newest first, filtered by action, result and time; keyset "older" paging. */
export function AuditPage(props: { readonly onError: (error: unknown) => void }) {
  const { t, dateTime } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('audit');
  const [draft, setDraft] = useState<Filters>(empty);
  const [filters, setFilters] = useState<Filters>(empty);
  const page = useLoad(
    () => {
      const params = new URLSearchParams({ limit: '50' });
      if (filters.action) params.set('action', filters.action);
      if (filters.result) params.set('result', filters.result);
      if (filters.from) params.set('from', new Date(filters.from).toISOString());
      if (filters.to) params.set('to', new Date(filters.to).toISOString());
      if (filters.before) params.set('before', String(filters.before));
      return adminApi<{ events: AuditEvent[]; nextCursor: number | null }>(`/audit?${params}`);
    },
    props.onError,
    [filters],
  );
  return (
    <section>
      <StepHeading focusRef={heading}>{t('admin.audit.title')}</StepHeading>
      <form
        className="toolbar filters"
        onSubmit={(event) => {
          event.preventDefault();
          setFilters({ ...draft, before: null });
        }}
      >
        <TextField
          label={t('admin.audit.action')}
          value={draft.action}
          onValue={(action) => setDraft({ ...draft, action })}
        />
        <TextField
          label={t('admin.audit.result')}
          value={draft.result}
          onValue={(result) => setDraft({ ...draft, result })}
        />
        <TextField
          label={t('admin.audit.from')}
          type="datetime-local"
          value={draft.from}
          onValue={(from) => setDraft({ ...draft, from })}
        />
        <TextField
          label={t('admin.audit.to')}
          type="datetime-local"
          value={draft.to}
          onValue={(to) => setDraft({ ...draft, to })}
        />
        <Button type="submit" variant="secondary">
          {t('admin.audit.filter')}
        </Button>
      </form>
      <OutcomeNotice error={page.error} />
      <table className="data-table" data-testid="audit-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.audit.col.at')}</th>
            <th scope="col">{t('admin.audit.col.actor')}</th>
            <th scope="col">{t('admin.audit.col.action')}</th>
            <th scope="col">{t('admin.audit.col.target')}</th>
            <th scope="col">{t('admin.audit.col.result')}</th>
          </tr>
        </thead>
        <tbody>
          {(page.data?.events ?? []).map((event) => (
            <tr key={event.id}>
              <td>{dateTime(event.at)}</td>
              <td>{event.actor.name ?? event.actor.type}</td>
              <td>
                <code>{event.action}</code>
              </td>
              <td>{event.target?.name ?? event.target?.id ?? t('common.none')}</td>
              <td>
                <span className={`badge ${event.result === 'success' ? 'badge-ok' : 'badge-warn'}`}>
                  {event.result}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {page.data && page.data.events.length === 0 ? <p>{t('admin.audit.none')}</p> : null}
      <div className="pager">
        {filters.before ? (
          <Button variant="secondary" onClick={() => setFilters({ ...filters, before: null })}>
            {t('common.previous')}
          </Button>
        ) : null}
        {page.data?.nextCursor ? (
          <Button
            variant="secondary"
            onClick={() => setFilters({ ...filters, before: page.data?.nextCursor ?? null })}
          >
            {t('admin.audit.more')}
          </Button>
        ) : null}
      </div>
    </section>
  );
}
