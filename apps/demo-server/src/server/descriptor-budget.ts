import { readFileSync } from 'node:fs';

/** How the demo shares the process's file descriptors between its listeners. */
export interface DescriptorBudget {
  /** The soft limit of open files the budget was computed from. */
  readonly openFiles: number;
  /** Most sockets at once on the HTTP port (dashboard, /healthz, /metrics, WebSocket upgrades). */
  readonly httpConnections: number;
  /** Of those, most from one remote address. */
  readonly httpConnectionsPerAddress: number;
  /** `maxConnections` of the bp TCP server (it runs the WebSocket sessions too) and of the TLS one. */
  readonly bpConnections: number;
  /** `maxConnectionsPerAddress` of the bp servers. */
  readonly bpConnectionsPerAddress: number;
}

/** Descriptors kept for the process itself: store files, Redis, logs, the listeners. */
const RESERVED = 64;
/** Used when the limit cannot be read (not Linux): the common default soft limit. */
const FALLBACK_OPEN_FILES = 1024;

/** The soft RLIMIT_NOFILE of this process, from /proc/self/limits (Linux), else a fallback. */
export function openFilesLimit(): number {
  try {
    const line = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync('/proc/self/limits', 'utf8'));
    if (line !== null) return line[1] === 'unlimited' ? 1 << 20 : Number(line[1]);
  } catch {
    // Not Linux: fall through.
  }
  return FALLBACK_OPEN_FILES;
}

/**
 * Splits the descriptors so that no listener can starve the others: a quarter of what is left
 * after the reserve goes to the HTTP port, three eighths to each bp listener (WebSocket sessions
 * hold an HTTP socket and count against the TCP server as well). One address may hold a quarter
 * of a listener's share, so one client cannot fill a listener alone.
 */
export function descriptorBudget(openFiles: number = openFilesLimit()): DescriptorBudget {
  const spare = Math.max(64, openFiles - RESERVED);
  const httpConnections = Math.max(16, Math.min(10_000, Math.floor(spare / 4)));
  const bpConnections = Math.max(16, Math.min(10_000, Math.floor((spare * 3) / 8)));
  return {
    openFiles,
    httpConnections,
    httpConnectionsPerAddress: Math.max(4, Math.floor(httpConnections / 4)),
    bpConnections,
    bpConnectionsPerAddress: Math.max(4, Math.min(1024, Math.floor(bpConnections / 4))),
  };
}
