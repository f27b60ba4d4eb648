import type { AgentMessage, DoctorFacts, DoctorReport } from '@ferry/protocol';

/**
 * The doctor's conversation on the agent's channel: ask the cloud for the facts only it has
 * (`doctor_facts_request` → `doctor_facts`), and send a report. Several askers at once share
 * one answer; when the link drops, or nothing comes in time, they get undefined.
 */
export class DoctorLink {
  #waiters: ((facts: DoctorFacts | undefined) => void)[] = [];

  constructor(
    private readonly send: (message: AgentMessage) => boolean,
    private readonly online: () => boolean,
  ) {}

  requestFacts(timeoutMs = 10_000): Promise<DoctorFacts | undefined> {
    if (!this.online()) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((waiter) => waiter !== settle);
        resolve(undefined);
      }, timeoutMs);
      const settle = (facts: DoctorFacts | undefined): void => {
        clearTimeout(timer);
        resolve(facts);
      };
      this.#waiters.push(settle);
      if (this.#waiters.length === 1 && !this.send({ type: 'doctor_facts_request' })) {
        this.#settleAll(undefined);
      }
    });
  }

  /** False when the channel is not online (the report is not queued: the next run sends one). */
  report(report: DoctorReport): boolean {
    return this.online() && this.send({ type: 'doctor_report', report });
  }

  receive(facts: DoctorFacts): void {
    this.#settleAll(facts);
  }

  dropped(): void {
    this.#settleAll(undefined);
  }

  #settleAll(facts: DoctorFacts | undefined): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const waiter of waiters) waiter(facts);
  }
}
