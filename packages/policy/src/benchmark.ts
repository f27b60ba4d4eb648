import { Secret } from '@ferry/protocol';
import { defaultCloudPolicy } from './cloud-policy.js';
import { effectivePolicy } from './effective-policy.js';
import { evaluatePassword } from './evaluate-password.js';

const SAMPLES = [
  'Summer2024!',
  'C0ntos0Blank12',
  'correct horse battery staple',
  'Xq7!vR2#mK9p',
  'Je suis Charlie 2015',
  'kettle-orbit-vivid-lamp',
];

/**
 * Mean milliseconds per evaluatePassword call on a hybrid user with a domain policy and a
 * 100-term custom list, after warm-up (the indexes are built once). For docs and a quick
 * check by hand, never for a timed test assertion:
 * `node --conditions=ferry-source --import tsx -e "import('@ferry/policy').then(p => console.log(p.benchmarkEvaluation()))"`
 */
export function benchmarkEvaluation(iterations = 600): {
  readonly warmUpMs: number;
  readonly meanMs: number;
} {
  const policy = effectivePolicy(
    {
      ...defaultCloudPolicy,
      customBannedTerms: Array.from({ length: 100 }, (_, i) => `ferry${i}term`),
    },
    {
      minLength: 10,
      historyLength: 24,
      minAgeSeconds: 86_400,
      maxAgeSeconds: 0,
      complexity: true,
      lockoutThreshold: 0,
      lockoutDurationSeconds: 0,
      lockoutObservationSeconds: 0,
      source: { kind: 'domain', dn: 'DC=example,DC=test' },
    },
  );
  const run = (password: string) =>
    evaluatePassword({
      password: Secret.of(password),
      policy,
      user: { givenName: 'Jean', surname: 'Dupont', sAMAccountName: 'jdupont' },
      tenantName: 'Contoso',
      operation: 'change',
      now: new Date(),
    });
  let started = performance.now();
  run('warm-up');
  const warmUpMs = performance.now() - started;
  started = performance.now();
  for (let i = 0; i < iterations; i++) run(SAMPLES[i % SAMPLES.length] ?? '');
  return { warmUpMs, meanMs: (performance.now() - started) / iterations };
}
