// The receive window and the subprotocol names are the WebSocket binding's, declared once in
// @bp/session/wire for both ends; this module keeps them under this package's import paths.
export {
  DEFAULT_RECEIVE_WINDOW,
  FLOW_SUBPROTOCOL,
  INITIAL_CREDIT,
  PLAIN_SUBPROTOCOL,
  ReceiveWindow,
} from '@bp/session/wire';
