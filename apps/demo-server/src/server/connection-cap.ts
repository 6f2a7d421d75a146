import type { Server } from 'node:net';

/** Limits of {@link capConnections}. */
export interface ConnectionCapLimits {
  /** Most sockets open at once. */
  total: number;
  /** Most sockets open at once from one remote address. */
  perAddress: number;
}

/** What a capped server counts. */
export interface ConnectionCapCounts {
  /** Sockets open now. */
  readonly open: number;
  /** Sockets refused since start (over either limit). */
  readonly refused: number;
}

/**
 * Caps the sockets of a Node server, in total and per remote address, like bp's own listeners
 * (Node's `maxConnections` has no per-address limit). A socket over a limit is destroyed as soon
 * as it is accepted, before anything is read from it, so refusing costs one descriptor for a
 * moment. `onRefuse` is told which limit refused it.
 */
export function capConnections(
  server: Server,
  limits: ConnectionCapLimits,
  onRefuse: (limit: 'total' | 'per-address') => void = () => {},
): ConnectionCapCounts {
  const perAddress = new Map<string, number>();
  const counts = { open: 0, refused: 0 };
  server.on('connection', (socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const current = perAddress.get(address) ?? 0;
    const limit =
      counts.open >= limits.total ? 'total' : current >= limits.perAddress ? 'per-address' : undefined;
    if (limit !== undefined) {
      counts.refused++;
      socket.destroy();
      onRefuse(limit);
      return;
    }
    counts.open++;
    perAddress.set(address, current + 1);
    socket.once('close', () => {
      counts.open--;
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left === 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });
  return counts;
}
