import { doctorReportSchema, type DoctorFacts, type DoctorReport } from '@ferry/protocol';
import type { Kysely } from 'kysely';
import { getPasswordResetSettings } from '../directory/password-reset-settings.js';
import { registrationCoverage } from '../sspr/registration-coverage.js';
import type { Database } from '../store/tables.js';
import type { Clock } from '../util/clock.js';
import { findAgent, parseStatus } from './agent-store.js';

/**
 * What the agent's doctor cannot read from its own host: the tenant's writeback switch, this
 * agent as the cloud holds it, SSPR readiness of the synced users, and the cloud's clock.
 */
export async function doctorFacts(
  db: Kysely<Database>,
  clock: Clock,
  session: { readonly agentId: string; readonly tenantId: string },
): Promise<DoctorFacts> {
  const settings = await getPasswordResetSettings(db, session.tenantId);
  const agent = await findAgent(db, session.agentId);
  const status = agent ? parseStatus(agent) : undefined;
  return {
    cloudTime: clock.now().toISOString(),
    tenantWriteback: settings.onPremises.writebackEnabled,
    agentEnabled: agent?.status === 'active',
    agentWritebackReported: status?.passwordWritebackEnabled ?? null,
    sspr: await registrationCoverage(db, session.tenantId, settings, { syncedOnly: true }),
  };
}

/** Keeps the agent's last doctor report (the Admin center's On-premises page shows it). */
export async function recordDoctorReport(
  db: Kysely<Database>,
  agentId: string,
  report: DoctorReport,
  now: Date,
): Promise<void> {
  await db
    .updateTable('agents')
    .set({ doctor_report_json: JSON.stringify(report), doctor_reported_at: now.toISOString() })
    .where('id', '=', agentId)
    .execute();
}

export interface AgentDoctorReport {
  readonly agentId: string;
  readonly name: string;
  readonly hostname: string;
  readonly receivedAt: string;
  readonly report: DoctorReport;
}

/** The last report of each agent of the tenant that sent one, oldest agent first. */
export async function lastDoctorReports(
  db: Kysely<Database>,
  tenantId: string,
): Promise<AgentDoctorReport[]> {
  const rows = await db
    .selectFrom('agents')
    .select(['id', 'name', 'hostname', 'doctor_report_json', 'doctor_reported_at'])
    .where('tenant_id', '=', tenantId)
    .where('doctor_report_json', 'is not', null)
    .orderBy('created_at')
    .execute();
  return rows.map((row) => ({
    agentId: row.id,
    name: row.name,
    hostname: row.hostname,
    receivedAt: row.doctor_reported_at ?? '',
    // Validated on arrival; parsed again so a row edited by hand cannot reach the page unchecked.
    report: doctorReportSchema.parse(JSON.parse(row.doctor_report_json!)),
  }));
}
