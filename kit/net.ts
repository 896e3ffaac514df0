import net from 'node:net';
import type { AddressInfo } from 'node:net';

/** A TCP port that is free on 127.0.0.1 now (so parallel runs never collide). */
export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const port = (s.address() as AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}
