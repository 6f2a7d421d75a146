import type { ResourceWindow } from '../resource-monitor.js';

/** What a workload tells the harness around its measured window. */
export interface WindowHooks {
  /** The measured window starts now (the server starts its own window too). */
  begin(): void;
  /** The measured window ends now. */
  end(): { client: ResourceWindow; wireBytes?: number };
  /** Waits while the harness reads the server's memory at a named point. */
  checkpoint(name: string): Promise<void>;
}

/** Lets other callbacks (socket reads, flushes) run before the caller goes on. */
export const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
