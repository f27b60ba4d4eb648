const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/**
 * The WebSocket URL of the cloud's agent gateway: wss:// for an https cloud; plain ws://
 * only when the cloud is on this machine's loopback (tests, the demo).
 */
export function gatewayUrl(cloudUrl: string, gatewayPath: string): URL {
  const url = cloudEndpoint(cloudUrl, gatewayPath);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  return url;
}

/**
 * A URL on the cloud, for any request the agent makes (enrollment carries the one-time token
 * and receives the key the agent pins): https, or plain http only to this machine's loopback.
 */
export function cloudEndpoint(cloudUrl: string, path: string): URL {
  const url = new URL(path, cloudUrl);
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) return url;
  throw new Error(`the cloud must be reached over https (got ${url.protocol}//${url.hostname})`);
}
