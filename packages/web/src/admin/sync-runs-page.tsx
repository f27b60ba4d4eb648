import type { SyncRun } from '../api/types';
import { useI18n } from '../i18n/i18n';
import { Button } from '../ui/fields';
import { useFocusOnChange } from '../ui/focus';
import { StepHeading } from '../ui/layout';
import { OutcomeNotice } from '../ui/outcome';
import { adminApi } from './admin-api';
import { useLoad } from './use-load';

export function SyncRunsPage(props: { readonly onError: (error: unknown) => void }) {
  const { t, dateTime } = useI18n();
  const heading = useFocusOnChange<HTMLHeadingElement>('sync');
  const runs = useLoad(() => adminApi<{ items: SyncRun[] }>('/sync/runs?limit=50'), props.onError);
  return (
    <section>
      <StepHeading focusRef={heading}>{t('admin.sync.title')}</StepHeading>
      <div className="toolbar">
        <Button variant="secondary" onClick={runs.reload}>
          {t('common.refresh')}
        </Button>
      </div>
      <OutcomeNotice error={runs.error} />
      <table className="data-table">
        <thead>
          <tr>
            <th scope="col">{t('admin.sync.col.started')}</th>
            <th scope="col">{t('admin.sync.col.mode')}</th>
            <th scope="col">{t('admin.sync.col.status')}</th>
            <th scope="col">{t('admin.sync.col.counts')}</th>
            <th scope="col">{t('admin.sync.col.pending')}</th>
          </tr>
        </thead>
        <tbody>
          {(runs.data?.items ?? []).map((run) => (
            <tr key={run.id}>
              <td>{dateTime(run.startedAt)}</td>
              <td>{run.mode}</td>
              <td>
                <span
                  className={`badge ${run.status === 'awaiting_confirmation' ? 'badge-warn' : 'badge-ok'}`}
                >
                  {run.status}
                </span>
              </td>
              <td>
                {run.added} / {run.updated} / {run.deleted}
              </td>
              <td>{run.pendingDeletes}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {runs.data && runs.data.items.length === 0 ? <p>{t('admin.sync.none')}</p> : null}
    </section>
  );
}
