// The wire names the package root exported before `@bp/session/wire` existed, kept for one
// release so that imports from the root keep working (with a deprecation hint in editors).
// Remove in the next minor release, with `sha256`, which is no longer public at all.
import * as wire from './wire/index.js';

/** @deprecated import from `@bp/session/wire` instead. */
export const canonicalJson = wire.canonicalJson;
/** @deprecated import from `@bp/session/wire` instead. */
export const createFrameLimits = wire.createFrameLimits;
/** @deprecated import from `@bp/session/wire` instead. */
export const decodeErrorFrame = wire.decodeErrorFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export const decodeGoodbye = wire.decodeGoodbye;
/** @deprecated import from `@bp/session/wire` instead. */
export const decodeHello = wire.decodeHello;
/** @deprecated import from `@bp/session/wire` instead. */
export const decodeReject = wire.decodeReject;
/** @deprecated import from `@bp/session/wire` instead. */
export const decodeWelcome = wire.decodeWelcome;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeErrorFrame = wire.encodeErrorFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeFrame = wire.encodeFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeGoodbye = wire.encodeGoodbye;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeHello = wire.encodeHello;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeMessageFrame = wire.encodeMessageFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeRefusal = wire.encodeRefusal;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeReject = wire.encodeReject;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeRequestFrame = wire.encodeRequestFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeResponseFrame = wire.encodeResponseFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeU32Frame = wire.encodeU32Frame;
/** @deprecated import from `@bp/session/wire` instead. */
export const encodeWelcome = wire.encodeWelcome;
/** @deprecated import from `@bp/session/wire` instead. */
export const forEachBatch = wire.forEachBatch;
/** @deprecated import from `@bp/session/wire` instead. */
export const FRAME_HEADER_SIZE = wire.FRAME_HEADER_SIZE;
/** @deprecated import from `@bp/session/wire` instead. */
export const FrameKind = wire.FrameKind;
/** @deprecated import from `@bp/session/wire` instead. */
export type FrameKind = wire.FrameKind;
/** @deprecated import from `@bp/session/wire` instead. */
export const FrameReader = wire.FrameReader;
/** @deprecated import from `@bp/session/wire` instead. */
export type FrameReader = wire.FrameReader;
/** @deprecated import from `@bp/session/wire` instead. */
export const MAGIC = wire.MAGIC;
/** @deprecated import from `@bp/session/wire` instead. */
export const MAX_BATCH_BYTES = wire.MAX_BATCH_BYTES;
/** @deprecated import from `@bp/session/wire` instead. */
export const MAX_FRAME_BODY = wire.MAX_FRAME_BODY;
/** @deprecated import from `@bp/session/wire` instead. */
export const MismatchStatus = wire.MismatchStatus;
/** @deprecated import from `@bp/session/wire` instead. */
export const NOT_NOW = wire.NOT_NOW;
/** @deprecated import from `@bp/session/wire` instead. */
export const PROTOCOL_VERSION = wire.PROTOCOL_VERSION;
/** @deprecated import from `@bp/session/wire` instead. */
export type ErrorFrame = wire.ErrorFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export type FrameLimits = wire.FrameLimits;
/** @deprecated import from `@bp/session/wire` instead. */
export type FrameReaderOptions = wire.FrameReaderOptions;
/** @deprecated import from `@bp/session/wire` instead. */
export type FrameSink = wire.FrameSink;
/** @deprecated import from `@bp/session/wire` instead. */
export type GoodbyeFrame = wire.GoodbyeFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export type HelloFrame = wire.HelloFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export type RejectFrame = wire.RejectFrame;
/** @deprecated import from `@bp/session/wire` instead. */
export type TypeDigest = wire.TypeDigest;
/** @deprecated import from `@bp/session/wire` instead. */
export type WelcomeFrame = wire.WelcomeFrame;
