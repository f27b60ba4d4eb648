import { z } from 'zod';

/**
 * The agent's doctor on the wire: the report it sends the cloud (at start and every few
 * hours), and the facts only the cloud knows that the doctor checks against (the tenant's
 * writeback switch, this agent's as the cloud last heard it, SSPR registration readiness of the
 * agent's synced users, the cloud's clock).
 */
export const doctorStatusSchema = z.enum(['pass', 'warn', 'fail']);
export type DoctorStatus = z.infer<typeof doctorStatusSchema>;

export const doctorCheckSchema = z
  .object({
    id: z.string().min(1).max(64),
    title: z.string().min(1).max(200),
    status: doctorStatusSchema,
    evidence: z.string().max(8_000),
    fix: z.string().max(8_000).optional(),
  })
  .strict();
export type DoctorCheck = z.infer<typeof doctorCheckSchema>;

/** Every check of one doctor run, with the worst result as `overall`. */
export const doctorReportSchema = z
  .object({
    ranAt: z.iso.datetime(),
    trigger: z.enum(['start', 'schedule', 'manual']),
    overall: doctorStatusSchema,
    checks: z.array(doctorCheckSchema).max(200),
  })
  .strict();
export type DoctorReport = z.infer<typeof doctorReportSchema>;

/** How many users could reset today: those with as many allowed methods as a reset asks. */
export const ssprReadinessSchema = z
  .object({
    scope: z.enum(['none', 'selected', 'all']),
    methodsRequired: z.number().int().min(1),
    /** Synced users (from this tenant's AD) the SSPR scope covers. */
    usersInScope: z.number().int().min(0),
    /**
     * Of those, users with at least `methodsRequired` registered methods the tenant allows; a
     * user holding an admin role counts only with the administrator policy's two gates.
     */
    usersReady: z.number().int().min(0),
  })
  .strict();
export type SsprReadiness = z.infer<typeof ssprReadinessSchema>;

export const doctorFactsSchema = z
  .object({
    /** The cloud's clock when it answered: the agent compares it with its own. */
    cloudTime: z.iso.datetime(),
    /** The tenant's "write back passwords to the on-premises directory". */
    tenantWriteback: z.boolean(),
    /** This agent as the cloud has it: disabled by an admin, and the switch it last reported. */
    agentEnabled: z.boolean(),
    agentWritebackReported: z.boolean().nullable(),
    sspr: ssprReadinessSchema,
  })
  .strict();
export type DoctorFacts = z.infer<typeof doctorFactsSchema>;
