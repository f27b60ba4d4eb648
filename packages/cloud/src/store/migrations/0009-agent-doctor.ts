import type { Kysely, Migration } from 'kysely';

/** The last doctor report of each agent (JSON, as the protocol's doctorReportSchema). */
export function agentDoctorMigration(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('agents').addColumn('doctor_report_json', 'text').execute();
      await db.schema.alterTable('agents').addColumn('doctor_reported_at', 'text').execute();
    },
  };
}
