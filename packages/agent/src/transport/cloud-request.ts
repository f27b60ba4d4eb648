import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export interface CloudAnswer {
  readonly status: number;
  readonly body: unknown;
}

/**
 * POSTs JSON to the cloud and reads a JSON answer. Over https the cloud's certificate is
 * checked against `ca` when given (the agent's cloud CA file), else the system store; the URL
 * has already passed the https rule of `gateway-url.ts`.
 */
export function postCloudJson(url: URL, body: unknown, ca?: Buffer): Promise<CloudAnswer> {
  const payload = Buffer.from(JSON.stringify(body));
  const options = {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': payload.length },
    timeout: 30_000,
    ...(ca ? { ca } : {}),
  };
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? httpsRequest : httpRequest)(
      url,
      options,
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => {
          let parsed: unknown = {};
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            // Not JSON (a proxy's error page): the status says enough.
          }
          resolve({ status: response.statusCode ?? 0, body: parsed });
        });
      },
    );
    request.on('timeout', () => request.destroy(new Error('no answer in 30 s')));
    request.on('error', reject);
    request.end(payload);
  });
}
