import type { SensorData } from '../schema.js';

/**
 * Four plausible sensors for the chart: temperature (°C), humidity (%), pressure (hPa) and a
 * vibration level, as slow waves with a little noise, so the chart moves but stays readable.
 */
export class SensorSimulator {
  readonly source: string;
  readonly #started: number;
  #vibration = 0.5;

  constructor(source: string, now: number = Date.now()) {
    this.source = source;
    this.#started = now;
  }

  /** The reading at time `now` (ms since the epoch). */
  read(now: number = Date.now()): SensorData {
    const t = (now - this.#started) / 1000;
    // A bounded random walk: it wanders but never leaves [0, 1].
    this.#vibration = Math.min(1, Math.max(0, this.#vibration + (Math.random() - 0.5) * 0.1));
    return {
      sensor1: 21 + 3 * Math.sin(t / 8) + noise(0.2),
      sensor2: 55 + 10 * Math.sin(t / 13 + 1) + noise(0.5),
      sensor3: 1013 + 4 * Math.sin(t / 21 + 2) + noise(0.3),
      sensor4: this.#vibration,
      source: this.source,
      timestamp: now,
      // Drains one percent a minute and stops at 20 (a simulated device that never dies).
      battery: Math.max(20, 100 - Math.floor(t / 60)),
    };
  }
}

function noise(amplitude: number): number {
  return (Math.random() - 0.5) * 2 * amplitude;
}
