/**
 * Where an application declares the types of its own per-connection values, once for the whole
 * program (declaration merging, as Fastify and TanStack Router do it):
 *
 * ```ts
 * declare module '@bp/session' {
 *   interface Register {
 *     principal: User; // what the server's `authenticate` returns
 *     data: PlayerState; // what handlers keep in `session.data`
 *   }
 * }
 * ```
 *
 * Then `ctx.principal`, `session.principal` and interceptors' `call.principal` are a `User`,
 * `session.data` is a `PlayerState | undefined`, and `authenticate` (of `@bp/transport-node`) must
 * return a `User` to accept a connection. Without a declaration both are `unknown`.
 *
 * The declaration holds for every session of the program, client sessions too, whose principal is
 * always `undefined`: declare `principal: User | undefined` if code that reads it also runs on
 * a client, or on a server without authentication. Token authentication (`auth: { token }`)
 * gives the principal `{ method: 'token' }` (`TokenPrincipal` of `@bp/transport-node`), so it is
 * only accepted when the declared principal admits that.
 */
// biome-ignore lint/suspicious/noEmptyInterface: a declaration merging point, empty until an app fills it
export interface Register {}

/** The principal type the application declared in {@link Register}, else `unknown`. */
export type Principal = Register extends { principal: infer T } ? T : unknown;

/** The `session.data` type the application declared in {@link Register}, else `unknown`. */
export type ConnectionData = Register extends { data: infer T } ? T : unknown;
