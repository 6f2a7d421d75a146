import type { Session } from '@bp/session';
import type { Rooms } from '@bp/transport-node';
import { DemoMessage, type DemoProtocol, SENSOR_TOPIC, type SensorData, STATUS_TOPIC } from '../schema.js';
import { DemoError } from './demo-error.js';
import { SensorSimulator } from './sensor-simulator.js';

/** The room of every sensor subscriber, and the room of those who also asked for STATUS events. */
const SENSOR_ROOM = SENSOR_TOPIC;
const STATUS_ROOM = STATUS_TOPIC;

/** Options of {@link SensorService}. */
export interface SensorServiceOptions {
  /**
   * The rooms subscribers join (one server's `rooms`; connections of the process's other servers
   * join it too). With `@bp/redis-adapter` installed on it, readings reach every server.
   */
  rooms: Rooms<DemoProtocol>;
  /** Name of this server's simulated source, e.g. `sim-7400`. */
  simulatorSource: string;
  /** Simulated readings per second; 0 switches the simulator off. */
  rate: number;
  onError?: (error: unknown) => void;
}

const MAX_SOURCE_LENGTH = 64;

/**
 * The sensor stream: runs the simulator, accepts readings that clients publish, and broadcasts
 * every reading (and every STATUS event) to the subscribers' rooms, on every server when the rooms
 * have the Redis adapter. Broadcasts are volatile: telemetry is worth nothing late, so a
 * subscriber whose outgoing queue is over its high-water mark misses readings (counted in the
 * rooms' `dropped`) instead of queueing them.
 */
export class SensorService {
  readonly source: string;
  readonly rate: number;
  readonly #options: SensorServiceOptions;
  readonly #onError: (error: unknown) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Readings published (simulated and from clients) since start. */
  published = 0;

  constructor(options: SensorServiceOptions) {
    this.source = options.simulatorSource;
    this.rate = options.rate;
    // `rooms` is read when used: the demo's servers (whose rooms these are) are created after it.
    this.#options = options;
    this.#onError = options.onError ?? (() => {});
  }

  /** Starts the simulator (if its rate is above 0). */
  start(): void {
    if (this.rate <= 0 || this.#timer !== undefined) return;
    const simulator = new SensorSimulator(this.source);
    this.#timer = setInterval(() => this.publish(simulator.read()), 1000 / this.rate);
    this.#timer.unref();
  }

  /** Subscribers on this server. */
  get subscriberCount(): number {
    return this.#rooms.members(SENSOR_ROOM).size;
  }

  /** Subscribes `session` to readings, and to STATUS events when `status` (leaving them otherwise). */
  subscribe(session: Session<DemoProtocol>, status: boolean): { source: string; rate: number } {
    this.#rooms.join(session, status ? [SENSOR_ROOM, STATUS_ROOM] : SENSOR_ROOM);
    if (!status) this.#rooms.leave(session, STATUS_ROOM);
    return { source: this.source, rate: this.rate };
  }

  /** Ends the subscription (closing the connection ends it too). */
  unsubscribe(session: Session<DemoProtocol>): void {
    this.#rooms.leave(session, [SENSOR_ROOM, STATUS_ROOM]);
  }

  /**
   * Publishes a reading from a client: checks it, names its source when the client did not, and
   * stamps it when it carries no time.
   */
  publishFromClient(reading: SensorData, fallbackSource: string): void {
    for (const v of [reading.sensor1, reading.sensor2, reading.sensor3, reading.sensor4]) {
      if (!Number.isFinite(v)) throw new DemoError('invalid-reading', 'sensor values must be finite numbers');
    }
    if (reading.battery > 100) throw new DemoError('invalid-reading', 'battery is a percentage (0-100)');
    if (reading.source.length > MAX_SOURCE_LENGTH) {
      throw new DemoError('invalid-reading', `a source name is limited to ${MAX_SOURCE_LENGTH} characters`);
    }
    this.publish({
      ...reading,
      source: reading.source === '' ? fallbackSource : reading.source,
      timestamp: reading.timestamp > 0 && Number.isFinite(reading.timestamp) ? reading.timestamp : Date.now(),
    });
  }

  publish(reading: SensorData): void {
    this.published++;
    this.#broadcast(() =>
      this.#rooms.broadcast(DemoMessage.SENSOR_DATA, reading, { to: SENSOR_ROOM, volatile: true }),
    );
  }

  /** Tells every STATUS subscriber (on every server sharing the rooms' adapter) about an event. */
  status(statusCode: number, message: string): void {
    this.#broadcast(() =>
      this.#rooms.broadcast(DemoMessage.STATUS, { statusCode, message }, { to: STATUS_ROOM, volatile: true }),
    );
  }

  /** Stops the simulator and all pushes (subscribers leave their rooms). */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const room of [SENSOR_ROOM, STATUS_ROOM]) {
      for (const session of [...this.#rooms.members(room)]) this.#rooms.leave(session, room);
    }
  }

  get #rooms(): Rooms<DemoProtocol> {
    return this.#options.rooms;
  }

  #broadcast(send: () => unknown): void {
    try {
      send();
    } catch (error) {
      this.#onError(error);
    }
  }
}
