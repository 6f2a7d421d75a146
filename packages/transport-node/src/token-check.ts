// The token check lives in @bp/session (one constant-time check for session, transports and demo).
export { createTokenCheck } from '@bp/session';
