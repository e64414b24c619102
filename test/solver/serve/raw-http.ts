/**
 * Test helper: send raw bytes to a server over TCP and collect what it answers, so a test can
 * send requests no HTTP client would ever write (bad request-targets, broken headers, junk).
 */
import { connect } from 'node:net';

export interface RawExchange {
  /** Bytes to send (a string is sent as latin1, so '\xff' is one byte). */
  bytes: string | Buffer;
  /** Half-close our side after sending (default true). */
  end?: boolean;
  /** Reset the connection (TCP RST) right after sending, without reading. */
  reset?: boolean;
}

/**
 * Send one exchange to 127.0.0.1:`port`; resolves with the text answered before the server
 * closed the connection, or before `waitMs` passed. Never rejects: a refused or reset
 * connection is an answer too ('' if nothing came).
 */
export function rawExchange(port: number, exchange: RawExchange, waitMs = 2000): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let settled = false;
    const finish = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks).toString('latin1'));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', finish);
    socket.on('close', finish);
    socket.once('connect', () => {
      const data = typeof exchange.bytes === 'string' ? Buffer.from(exchange.bytes, 'latin1') : exchange.bytes;
      socket.write(data, () => {
        if (exchange.reset) {
          socket.resetAndDestroy();
          finish();
        } else if (exchange.end !== false) socket.end();
      });
    });
  });
}
