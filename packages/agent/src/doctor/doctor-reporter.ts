import type { DoctorReport } from '@ferry/protocol';
import type { Logger } from 'pino';
import type { AgentConfig } from '../config/agent-config.js';
import type { AgentChannel } from '../transport/agent-channel.js';
import { worstStatus, type CheckResult } from './doctor-check.js';
import { runDoctor } from './run-doctor.js';

const MAX_TEXT = 8_000;

/** A doctor run as the protocol carries it (long evidence cut to the schema's limit). */
export function doctorReport(
  results: readonly CheckResult[],
  trigger: DoctorReport['trigger'],
  ranAt: Date,
): DoctorReport {
  return {
    ranAt: ranAt.toISOString(),
    trigger,
    overall: worstStatus(results),
    checks: results.slice(0, 200).map((result) => ({
      id: result.id,
      title: result.title,
      status: result.status,
      evidence: result.evidence.slice(0, MAX_TEXT),
      ...(result.fix ? { fix: result.fix.slice(0, MAX_TEXT) } : {}),
    })),
  };
}

/**
 * The running agent's doctor: once the channel is first online, then every
 * `doctorIntervalMinutes`, it runs every check (the cloud's facts over the channel) and sends
 * the report; the cloud keeps the last one for the Admin center. A report the channel could
 * not carry waits for the next connection (only the newest is kept).
 */
export class DoctorReporter {
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;
  #unsent: DoctorReport | undefined;
  #started = false;
  #stopped = false;
  readonly #unsubscribe: () => void;

  constructor(
    private readonly config: AgentConfig,
    private readonly channel: AgentChannel,
    private readonly log: Logger,
  ) {
    this.#unsubscribe = channel.onState((state) => {
      if (state !== 'online') return;
      if (!this.#started) {
        this.#started = true;
        void this.runNow('start');
      } else if (this.#unsent && channel.doctor.report(this.#unsent)) {
        this.#unsent = undefined;
      }
    });
  }

  start(): void {
    const minutes = this.config.doctorIntervalMinutes;
    if (minutes > 0) {
      this.#timer = setInterval(() => void this.runNow('schedule'), minutes * 60_000);
      this.#timer.unref();
    }
  }

  /** Runs the doctor and sends its report (one run at a time; a second caller shares it). */
  runNow(trigger: DoctorReport['trigger']): Promise<void> {
    if (this.#stopped) return Promise.resolve();
    this.#running ??= this.#run(trigger).finally(() => (this.#running = undefined));
    return this.#running;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#unsubscribe();
    clearInterval(this.#timer);
    await this.#running;
  }

  async #run(trigger: DoctorReport['trigger']): Promise<void> {
    try {
      const results = await runDoctor(this.config, {
        facts: async () => {
          const askedAt = Date.now();
          const facts = await this.channel.doctor.requestFacts();
          return facts
            ? { facts, askedAt, answeredAt: Date.now() }
            : { unavailable: `the agent's channel is ${this.channel.state}` };
        },
      });
      const report = doctorReport(results, trigger, new Date());
      this.log.info(
        { overall: report.overall, checks: report.checks.length, trigger },
        'doctor: report ready',
      );
      if (this.#stopped || !this.channel.doctor.report(report)) this.#unsent = report;
    } catch (error) {
      this.log.warn({ reason: (error as Error).message }, 'doctor: run failed');
    }
  }
}
