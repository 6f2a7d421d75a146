import { DemoMessage, SENSOR_TOPIC, SensorData, STATUS_TOPIC, Status } from '../schema.js';
import type { FanOut } from '../store/fan-out.js';
import { DemoError } from './demo-error.js';
import { type Peer, PushChannel } from './peer.js';
import { SensorSimulator } from './sensor-simulator.js';

interface Subscriber {
  channel: PushChannel;
  status: boolean;
  stopOnClose: () => void;
}

/** Options of {@link SensorService}. */
export interface SensorServiceOptions {
  fanOut: FanOut;
  /** Name of this server's simulated source, e.g. `sim-7400`. */
  simulatorSource: string;
  /** Simulated readings per second; 0 switches the simulator off. */
  rate: number;
  onError?: (error: unknown) => void;
}

const MAX_SOURCE_LENGTH = 64;

/**
 * The sensor stream: runs the simulator, accepts readings that clients publish, and fans every
 * reading (and every STATUS event) out to subscribers, through Redis when servers share one.
 */
export class SensorService {
  readonly source: string;
  readonly rate: number;
  readonly #fanOut: FanOut;
  readonly #subscribers = new Map<Peer, Subscriber>();
  readonly #unsubscribe: Array<() => void> = [];
  readonly #onError: (error: unknown) => void;
  #timer: ReturnType<typeof setInterval> | undefined;
  /** Readings published (simulated and from clients) since start. */
  published = 0;

  constructor(options: SensorServiceOptions) {
    this.source = options.simulatorSource;
    this.rate = options.rate;
    this.#fanOut = options.fanOut;
    this.#onError = options.onError ?? (() => {});
    this.#unsubscribe.push(
      this.#fanOut.subscribe(SENSOR_TOPIC, (bytes) => this.#deliverReading(bytes)),
      this.#fanOut.subscribe(STATUS_TOPIC, (bytes) => this.#deliverStatus(bytes)),
    );
  }

  /** Starts the simulator (if its rate is above 0). */
  start(): void {
    if (this.rate <= 0 || this.#timer !== undefined) return;
    const simulator = new SensorSimulator(this.source);
    this.#timer = setInterval(() => this.publish(simulator.read()), 1000 / this.rate);
    this.#timer.unref();
  }

  get subscriberCount(): number {
    return this.#subscribers.size;
  }

  subscribe(peer: Peer, status: boolean): { source: string; rate: number } {
    const existing = this.#subscribers.get(peer);
    if (existing !== undefined) existing.status = status;
    else {
      this.#subscribers.set(peer, {
        channel: new PushChannel(peer),
        status,
        stopOnClose: peer.onClose(() => this.unsubscribe(peer)),
      });
    }
    return { source: this.source, rate: this.rate };
  }

  unsubscribe(peer: Peer): void {
    const subscriber = this.#subscribers.get(peer);
    if (subscriber === undefined) return;
    subscriber.stopOnClose();
    this.#subscribers.delete(peer);
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
    this.#fanOut.publish(SENSOR_TOPIC, SensorData.encode(reading)).catch(this.#onError);
  }

  /** Tells every STATUS subscriber (on every server sharing the fan-out) about an event. */
  status(statusCode: number, message: string): void {
    this.#fanOut.publish(STATUS_TOPIC, Status.encode({ statusCode, message })).catch(this.#onError);
  }

  /** Stops the simulator and all pushes. */
  close(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const stop of this.#unsubscribe.splice(0)) stop();
    for (const peer of [...this.#subscribers.keys()]) this.unsubscribe(peer);
  }

  #deliverReading(bytes: Uint8Array): void {
    if (this.#subscribers.size === 0) return;
    let reading: SensorData;
    try {
      reading = SensorData.decode(bytes);
    } catch (error) {
      this.#onError(error);
      return;
    }
    for (const subscriber of this.#subscribers.values())
      subscriber.channel.push(DemoMessage.SENSOR_DATA, reading);
  }

  #deliverStatus(bytes: Uint8Array): void {
    let status: Status;
    try {
      status = Status.decode(bytes);
    } catch (error) {
      this.#onError(error);
      return;
    }
    for (const subscriber of this.#subscribers.values()) {
      if (subscriber.status) subscriber.channel.push(DemoMessage.STATUS, status);
    }
  }
}
