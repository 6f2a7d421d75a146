import {
  type Interceptor,
  type MessageTypes,
  type MessageValue,
  type Session,
  type SessionProtocol,
  UsageError,
} from '@bp/session';
import {
  acceptsEncodedMessages,
  type EncodedMessage,
  type EncodedWriteResult,
  encodeMessage,
  writeEncodedMessage,
} from '@bp/session/wire';
import {
  type BroadcastErrorReport,
  BroadcastInterception,
  type BroadcastPlan,
  NOT_DECODED,
} from './broadcast-call.js';
import { type BroadcastResult, BroadcastTally } from './broadcast-tally.js';

export type { BroadcastResult } from './broadcast-tally.js';

/** Limits of {@link Rooms} (`rooms` in the server's options). */
export interface RoomsOptions {
  /** Longest room name, in UTF-16 code units. Default 256. */
  maxRoomNameLength?: number;
  /** Most rooms one connection may be in. Default 1024. */
  maxRoomsPerConnection?: number;
}

/** Which members a broadcast reaches, as it travels between servers (see {@link RoomsAdapter}). */
export interface BroadcastTarget {
  /** The rooms (a member of several gets the message once); undefined: every open connection. */
  readonly rooms: readonly string[] | undefined;
  /** Skip members that are congested instead of queueing for them. */
  readonly volatile: boolean;
  /** Skip the members of these rooms (on every server); undefined or empty: none. */
  readonly exceptRooms?: readonly string[] | undefined;
}

/** Options of {@link Rooms.broadcast}. */
export interface BroadcastOptions<P extends SessionProtocol = SessionProtocol> {
  /** A room or rooms; a connection in several of them gets the message once. Omitted: every open connection. */
  to?: string | readonly string[];
  /**
   * Connections to leave out (typically the sender). Session objects are this server's, so only
   * local delivery needs to skip them; to leave out a connection on another server, use
   * `exceptRooms` with a room of its own (see there).
   */
  except?: Session<P> | Iterable<Session<P>>;
  /**
   * Leave out the members of these rooms, on every server: the names travel with the broadcast
   * through the adapter and each server skips its own members of them. A connection that joins a
   * room of its own (`user:<id>`, `conn:<id>`) can so be left out wherever it is connected, as
   * socket.io's `except(room)` does. Bounded like `to` (the adapter's `maxRooms`).
   */
  exceptRooms?: string | readonly string[];
  /**
   * Skip (and count as `dropped`) members whose outgoing queue is already over its high-water
   * mark, instead of queueing behind it: for values that are worthless late (telemetry).
   * Default false: queue, and the member's slow-consumer policy decides.
   */
  volatile?: boolean;
  /** Deliver on this server only; an installed adapter does not forward it. Default false. */
  local?: boolean;
}

/**
 * What makes rooms span servers (`@bp/redis-adapter` is one). After local delivery, a broadcast
 * that is not `local` is handed to {@link RoomsAdapter.publish} as its encoded frame; the adapter
 * carries it to the other servers, which call {@link Rooms.deliver} with it.
 */
export interface RoomsAdapter {
  /** Forwards a broadcast to the other servers. Must not throw; the adapter reports its own failures. */
  publish(message: EncodedMessage, target: BroadcastTarget): void;
}

/** Counters of a {@link Rooms} since it was created (plus the current sizes). */
export interface RoomsStats {
  /** Rooms with at least one member now. */
  readonly rooms: number;
  /** Memberships now (a connection in three rooms counts three times). */
  readonly memberships: number;
  /** Broadcasts started here (local delivery plus, with an adapter, forwarding). */
  readonly broadcasts: number;
  /** Broadcasts that came from other servers through the adapter. */
  readonly remoteBroadcasts: number;
  /** Frames queued on members (`sent` + `congested` results). */
  readonly delivered: number;
  /** Members skipped by volatile broadcasts because they were congested. */
  readonly dropped: number;
  /** Members skipped because the frame exceeds their negotiated `maxPayloadSize`. */
  readonly tooLarge: number;
}

const DEFAULT_MAX_ROOM_NAME = 256;
const DEFAULT_MAX_ROOMS_PER_CONNECTION = 1024;
const NO_SESSIONS: ReadonlySet<never> = new Set();

/**
 * Named groups of connections and broadcast to them: `server.rooms`. A connection joins and
 * leaves rooms; its membership ends when it closes. A broadcast encodes its message **once** and
 * writes the same frame bytes to every member, through each member's own outgoing queue: a slow
 * member is handled by its own backpressure and slow-consumer policy (closed as a slow consumer
 * once over its limits, never buffered without bound) and never delays the others. TCP, TLS and
 * WebSocket members mix in one room.
 *
 * A member whose negotiated `maxPayloadSize` is smaller than the payload is skipped and counted
 * (`tooLarge`), not closed: the broadcast goes on for the others. Only connections in the `open`
 * state receive broadcasts (not ones still in their handshake, not ones saying goodbye).
 *
 * Rooms hold any session of `@bp/session`, so one server's `rooms` may also group the connections
 * of the process's other servers (a TCP and a TLS server, say); a broadcast without `to` reaches
 * the connections of this server only.
 *
 * The server's `interceptors` see each broadcast **once**, as a call of kind `'broadcast'`
 * (`BroadcastCallOf` of `@bp/session`: the type, the value, the rooms; no session), not once per
 * member: the frame is encoded once and its bytes go to every member unchanged, and a broadcast to
 * 1,000 members costs one interceptor call. They may stop or skip it (nothing is delivered nor
 * forwarded) and observe its outcome (the counts of {@link BroadcastResult}), not change its
 * bytes. Without interceptors the broadcast takes its direct path. Broadcasts that come from
 * other servers through an adapter do not run them: the originating server's did.
 */
export class Rooms<P extends SessionProtocol = SessionProtocol> {
  readonly #protocol: P;
  readonly #maxPayloadSize: number;
  readonly #allSessions: () => Iterable<Session<P>>;
  readonly #maxRoomName: number;
  readonly #maxRoomsPerConnection: number;
  readonly #rooms = new Map<string, Set<Session<P>>>();
  readonly #memberOf = new Map<Session<P>, { rooms: Set<string>; stopWatching: () => void }>();
  #adapter: RoomsAdapter | undefined;
  readonly #interception: BroadcastInterception<P> | undefined;
  #memberships = 0;
  readonly #counts = { broadcasts: 0, remoteBroadcasts: 0, delivered: 0, dropped: 0, tooLarge: 0 };

  /** @internal The server creates its `rooms`; there is no other way to get one. */
  constructor(options: {
    protocol: P;
    maxPayloadSize: number;
    sessions: () => Iterable<Session<P>>;
    limits?: RoomsOptions | undefined;
    interceptors?: readonly Interceptor<P>[] | undefined;
    onHandlerError?: BroadcastErrorReport;
  }) {
    this.#protocol = options.protocol;
    this.#maxPayloadSize = options.maxPayloadSize;
    this.#allSessions = options.sessions;
    this.#maxRoomName = options.limits?.maxRoomNameLength ?? DEFAULT_MAX_ROOM_NAME;
    this.#maxRoomsPerConnection = options.limits?.maxRoomsPerConnection ?? DEFAULT_MAX_ROOMS_PER_CONNECTION;
    this.#interception = BroadcastInterception.create(
      options.protocol,
      options.interceptors,
      options.onHandlerError,
      (plan) => this.#send(plan),
    );
  }

  /**
   * Adds `session` to `room` (or to each of `rooms`). Joining a room twice is a no-op; a closed
   * session joins nothing. Throws `UsageError('invalid-option')` for an empty or too long name or
   * past `maxRoomsPerConnection`, and `UsageError('foreign-session')` for a session that is not a
   * bp session (one this package's servers create).
   */
  join(session: Session<P>, room: string | readonly string[]): void {
    if (!acceptsEncodedMessages(session)) {
      throw new UsageError(
        'foreign-session',
        'rooms.join: the session was not created by @bp/session (pass a session of server.sessions() or onSession)',
      );
    }
    if (session.state === 'closed') return;
    const names = typeof room === 'string' ? [room] : room;
    for (const name of names) this.#checkName('join', name);
    let entry = this.#memberOf.get(session);
    if (entry === undefined) {
      entry = { rooms: new Set(), stopWatching: session.onClose(() => this.leaveAll(session)) };
      this.#memberOf.set(session, entry);
    }
    for (const name of names) {
      if (entry.rooms.has(name)) continue;
      if (entry.rooms.size >= this.#maxRoomsPerConnection) {
        throw new UsageError(
          'invalid-option',
          `rooms.join: a connection may be in at most ${this.#maxRoomsPerConnection} rooms (rooms.maxRoomsPerConnection)`,
        );
      }
      entry.rooms.add(name);
      let members = this.#rooms.get(name);
      if (members === undefined) this.#rooms.set(name, (members = new Set()));
      members.add(session);
      this.#memberships++;
    }
  }

  /** Removes `session` from `room` (or each of `rooms`); not being a member is a no-op. */
  leave(session: Session<P>, room: string | readonly string[]): void {
    const entry = this.#memberOf.get(session);
    if (entry === undefined) return;
    for (const name of typeof room === 'string' ? [room] : room) {
      if (!entry.rooms.delete(name)) continue;
      this.#removeMember(name, session);
    }
    if (entry.rooms.size === 0) {
      entry.stopWatching();
      this.#memberOf.delete(session);
    }
  }

  /** Removes `session` from every room (done by itself when the connection closes). */
  leaveAll(session: Session<P>): void {
    const entry = this.#memberOf.get(session);
    if (entry === undefined) return;
    this.#memberOf.delete(session);
    entry.stopWatching();
    for (const name of entry.rooms) this.#removeMember(name, session);
  }

  /** The rooms `session` is in (a copy). */
  roomsOf(session: Session<P>): string[] {
    return [...(this.#memberOf.get(session)?.rooms ?? [])];
  }

  /** The members of `room` on this server (a live, read-only view). */
  members(room: string): ReadonlySet<Session<P>> {
    return this.#rooms.get(room) ?? NO_SESSIONS;
  }

  /** Names of the rooms with at least one member on this server. */
  names(): string[] {
    return [...this.#rooms.keys()];
  }

  /** Counters since start, and the current sizes. */
  stats(): RoomsStats {
    return { rooms: this.#rooms.size, memberships: this.#memberships, ...this.#counts };
  }

  /**
   * Sends one message to the members of `options.to` (or to every open connection), except
   * `options.except`; with an adapter installed, to the members on every other server too
   * (unless `local`). The value is encoded once; a value that does not encode throws as
   * `session.send` would, and nothing is sent. Returns what happened on this server.
   *
   * With the server's `interceptors`, they run once around the broadcast (see {@link Rooms});
   * the result then counts what was delivered if they let it through at once (each calls
   * `next` before awaiting anything), and is all zeros if one skipped or stopped it or let it
   * through later (the interceptors see the real outcome in `CallResult.broadcast`).
   */
  broadcast<T extends MessageTypes<P>>(
    type: T,
    value: MessageValue<P, T>,
    options: BroadcastOptions<P> = {},
  ): BroadcastResult {
    return this.#start(this.encode(type, value), value, options);
  }

  /**
   * Encodes a message once for {@link Rooms.broadcastEncoded}, e.g. to send the same value to
   * several targets. Throws `SessionError('payload-too-large')` above this server's `maxPayloadSize`.
   */
  encode<T extends MessageTypes<P>>(type: T, value: MessageValue<P, T>): EncodedMessage {
    return encodeMessage(this.#protocol, type as number, value, this.#maxPayloadSize);
  }

  /**
   * {@link Rooms.broadcast} of a message encoded already ({@link Rooms.encode}). Interceptors see
   * its value decoded from the frame (once, and only when there are interceptors).
   */
  broadcastEncoded(message: EncodedMessage, options: BroadcastOptions<P> = {}): BroadcastResult {
    return this.#start(message, NOT_DECODED, options);
  }

  #start(message: EncodedMessage, value: unknown, options: BroadcastOptions<P>): BroadcastResult {
    const to = options.to;
    const rooms = to === undefined ? undefined : typeof to === 'string' ? [to] : [...to];
    if (rooms !== undefined) for (const name of rooms) this.#checkName('broadcast', name);
    const not = options.exceptRooms;
    const exceptRooms = not === undefined ? undefined : typeof not === 'string' ? [not] : [...not];
    if (exceptRooms !== undefined) for (const name of exceptRooms) this.#checkName('broadcast', name);
    this.#counts.broadcasts++;
    const plan: BroadcastPlan<P> = {
      message,
      rooms,
      exceptRooms: exceptRooms?.length === 0 ? undefined : exceptRooms,
      volatile: options.volatile ?? false,
      local: options.local === true || this.#adapter === undefined,
      except: exceptSet(options.except),
    };
    const interception = this.#interception;
    return interception === undefined ? this.#send(plan) : interception.run(plan, value);
  }

  /** Local delivery, then (unless local) the adapter: the direct path, and the chain's last step. */
  #send(plan: BroadcastPlan<P>): BroadcastResult {
    const target: BroadcastTarget = {
      rooms: plan.rooms,
      volatile: plan.volatile,
      exceptRooms: plan.exceptRooms,
    };
    const result = this.#deliver(plan.message, target, plan.except);
    if (!plan.local) this.#adapter?.publish(plan.message, target);
    return result;
  }

  /**
   * Delivers a broadcast that came from another server to the members here. For adapters: the
   * message must have been checked (`readEncodedMessage` of `@bp/session/wire`) and the target's
   * room names (`rooms` and `exceptRooms`) bounded by the adapter. Interceptors do not run: the
   * originating server's saw the broadcast.
   */
  deliver(message: EncodedMessage, target: BroadcastTarget): BroadcastResult {
    this.#counts.remoteBroadcasts++;
    return this.#deliver(message, target, undefined);
  }

  /**
   * Installs the adapter that forwards broadcasts to other servers (one at a time). Returns the
   * function that removes it again. Throws `UsageError('invalid-option')` when one is installed.
   */
  useAdapter(adapter: RoomsAdapter): () => void {
    if (this.#adapter !== undefined) {
      throw new UsageError(
        'invalid-option',
        'rooms.useAdapter: an adapter is installed already; remove it first',
      );
    }
    this.#adapter = adapter;
    return () => {
      if (this.#adapter === adapter) this.#adapter = undefined;
    };
  }

  /** The server's maximum payload size, the bound for messages that come through an adapter. */
  get maxPayloadSize(): number {
    return this.#maxPayloadSize;
  }

  /** The longest room name accepted (`rooms.maxRoomNameLength`), the bound for adapters too. */
  get maxRoomNameLength(): number {
    return this.#maxRoomName;
  }

  /** The protocol of the server's connections (adapters check incoming frames against it). */
  get protocol(): P {
    return this.#protocol;
  }

  #deliver(
    message: EncodedMessage,
    target: BroadcastTarget,
    exceptSessions: ReadonlySet<Session<P>> | undefined,
  ): BroadcastResult {
    const tally = new BroadcastTally();
    const exceptRooms = target.exceptRooms;
    const except =
      exceptRooms === undefined || exceptRooms.length === 0
        ? exceptSessions
        : this.#without(exceptSessions, exceptRooms);
    const volatile = target.volatile;
    const rooms = target.rooms;
    if (rooms === undefined) {
      for (const session of this.#allSessions()) this.#write(session, message, volatile, except, tally);
    } else if (rooms.length === 1) {
      const members = this.#rooms.get(rooms[0]!);
      // A copy: a member closed as a slow consumer leaves the room during the loop.
      if (members !== undefined)
        for (const session of [...members]) this.#write(session, message, volatile, except, tally);
    } else {
      const reached = new Set<Session<P>>();
      for (const name of rooms) {
        const members = this.#rooms.get(name);
        if (members !== undefined) for (const session of members) reached.add(session);
      }
      for (const session of reached) this.#write(session, message, volatile, except, tally);
    }
    const counts = this.#counts;
    counts.delivered += tally.sent + tally.congested;
    counts.dropped += tally.dropped;
    counts.tooLarge += tally.tooLarge;
    return tally;
  }

  #write(
    session: Session<P>,
    message: EncodedMessage,
    volatile: boolean,
    except: ReadonlySet<Session<P>> | undefined,
    tally: BroadcastTally,
  ): void {
    if (except?.has(session) === true) return;
    if (session.state !== 'open') {
      tally.notOpen++;
      return;
    }
    tally.add(writeEncodedMessage(session, message, volatile) as EncodedWriteResult);
  }

  /** `except` plus this server's members of `rooms`. */
  #without(
    except: ReadonlySet<Session<P>> | undefined,
    rooms: readonly string[],
  ): ReadonlySet<Session<P>> | undefined {
    let out: Set<Session<P>> | undefined;
    for (const name of rooms) {
      const members = this.#rooms.get(name);
      if (members === undefined) continue;
      out ??= new Set(except);
      for (const session of members) out.add(session);
    }
    return out ?? except;
  }

  #removeMember(name: string, session: Session<P>): void {
    const members = this.#rooms.get(name);
    if (members === undefined || !members.delete(session)) return;
    this.#memberships--;
    if (members.size === 0) this.#rooms.delete(name);
  }

  #checkName(operation: string, name: string): void {
    if (typeof name !== 'string' || name.length === 0 || name.length > this.#maxRoomName) {
      throw new UsageError(
        'invalid-option',
        `rooms.${operation}: a room name is a string of 1 to ${this.#maxRoomName} characters (rooms.maxRoomNameLength), got ${
          typeof name === 'string' ? `${name.length} characters` : typeof name
        }`,
      );
    }
  }
}

function exceptSet<P extends SessionProtocol>(
  except: Session<P> | Iterable<Session<P>> | undefined,
): ReadonlySet<Session<P>> | undefined {
  if (except === undefined) return undefined;
  if (Symbol.iterator in (except as object)) return new Set(except as Iterable<Session<P>>);
  return new Set([except as Session<P>]);
}
