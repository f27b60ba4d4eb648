import { useEffect, useEffectEvent, useState } from 'react';
import type { AgentDoctorReport, DoctorCheck, DoctorStatus } from '../api/types';
import { useI18n, type MessageKey } from '../i18n/i18n';
import { adminApi } from './admin-api';

const POLL_MS = 5000;
const BADGE: Record<DoctorStatus, string> = {
  pass: 'badge-ok',
  warn: 'badge-warn',
  fail: 'badge-fail',
};

/**
 * Each agent's last `ferry-agent doctor` report: failures and warnings first, each with its
 * evidence and its fix; the passed checks folded away.
 */
export function DoctorReports(props: { readonly onError: (error: unknown) => void }) {
  const { t, dateTime } = useI18n();
  const [reports, setReports] = useState<readonly AgentDoctorReport[] | null>(null);

  const onError = useEffectEvent(props.onError);
  useEffect(() => {
    let current = true;
    const poll = () =>
      adminApi<{ items: AgentDoctorReport[] }>('/agents/doctor-reports')
        .then((answer) => current && setReports(answer.items))
        .catch(onError);
    void poll();
    const timer = setInterval(() => void poll(), POLL_MS);
    return () => {
      current = false;
      clearInterval(timer);
    };
  }, []);

  if (reports === null) return null;
  return (
    <div className="card" data-testid="doctor-reports">
      <h2>{t('admin.doctor.title')}</h2>
      {reports.length === 0 ? <p>{t('admin.doctor.none')}</p> : null}
      {reports.map((item) => {
        const count = (status: DoctorStatus) =>
          item.report.checks.filter((check) => check.status === status).length;
        const problems = item.report.checks.filter((check) => check.status !== 'pass');
        const passed = item.report.checks.filter((check) => check.status === 'pass');
        return (
          <section key={item.agentId} className="doctor-report" aria-label={item.name}>
            <h3>
              <StatusBadge status={item.report.overall} />{' '}
              {t('admin.doctor.agent', {
                name: item.name,
                host: item.hostname,
                when: dateTime(item.report.ranAt),
              })}
            </h3>
            <p className="muted">
              {t('admin.doctor.summary', {
                pass: count('pass'),
                warn: count('warn'),
                fail: count('fail'),
              })}
            </p>
            <ul className="doctor-checks">
              {[...problems]
                .sort((a, b) => (a.status === b.status ? 0 : a.status === 'fail' ? -1 : 1))
                .map((check) => (
                  <CheckItem key={check.id} check={check} />
                ))}
            </ul>
            {passed.length > 0 ? (
              <details>
                <summary>{t('admin.doctor.passed', { count: passed.length })}</summary>
                <ul className="doctor-checks">
                  {passed.map((check) => (
                    <CheckItem key={check.id} check={check} />
                  ))}
                </ul>
              </details>
            ) : null}
          </section>
        );
      })}
    </div>
  );
}

function StatusBadge(props: { readonly status: DoctorStatus }) {
  const { t } = useI18n();
  return (
    <span className={`badge ${BADGE[props.status]}`}>
      {t(`admin.doctor.status.${props.status}` as MessageKey)}
    </span>
  );
}

function CheckItem(props: { readonly check: DoctorCheck }) {
  const { t } = useI18n();
  const { check } = props;
  return (
    <li data-check={check.id} data-status={check.status}>
      <StatusBadge status={check.status} /> <strong>{check.title}</strong>
      <pre className="doctor-evidence">{check.evidence}</pre>
      {check.fix ? (
        <div>
          <span className="muted">{t('admin.doctor.fix')}</span>
          <pre className="doctor-fix">{check.fix}</pre>
        </div>
      ) : null}
    </li>
  );
}
