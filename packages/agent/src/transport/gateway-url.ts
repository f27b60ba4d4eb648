const LOOPBACK = new Set(['127.0.0.1', '::1', '[::1]', 'localhost']);

/**
 * The WebSocket URL of the cloud's agent gateway: wss:// for an https cloud; plain ws://
 * only when the cloud is on this machine's loopback (tests, the demo).
 */
export function gatewayUrl(cloudUrl: string, gatewayPath: string): URL {
  const url = new URL(gatewayPath, cloudUrl);
  if (url.protocol === 'https:') url.protocol = 'wss:';
  else if (url.protocol === 'http:' && LOOPBACK.has(url.hostname)) url.protocol = 'ws:';
  else
    throw new Error(`the cloud must be reached over https (got ${url.protocol}//${url.hostname})`);
  return url;
}
