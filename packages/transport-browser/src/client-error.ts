// The client error class is shared by both bp clients and lives with the client core in
// @bp/session; this module keeps the package's own import path for it.
export { ClientError, type ClientErrorCode, isClientError } from '@bp/session';
