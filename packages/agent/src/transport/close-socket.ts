import WebSocket from 'ws';

/** Closes the socket cleanly, or terminates it when the peer has not answered in 2 s. */
export async function closeSocket(socket: WebSocket, reason: string): Promise<void> {
  if (socket.readyState === WebSocket.CLOSED) return;
  await new Promise<void>((resolve) => {
    socket.once('close', () => resolve());
    socket.close(1000, reason);
    setTimeout(() => {
      socket.terminate();
      resolve();
    }, 2_000).unref();
  });
}
