// The shared client behaviour suite, the parts that run anywhere (Node and a browser page).
// The vitest registration is `@bp/test-kit/client-behaviour/suite`.
export { type BehaviourProtocol, BehaviourType, behaviourProtocol } from './protocol.js';
export {
  type BehaviourResult,
  type BehaviourScenario,
  behaviourScenarios,
  type ErrorSummary,
} from './scenarios.js';
export {
  type BehaviourHandlers,
  type BehaviourServer,
  type Listen,
  type Listening,
  startBehaviourServer,
} from './server.js';
export type {
  BehaviourClient,
  BehaviourEnv,
  BehaviourOptions,
  DialFactory,
  ObservedChange,
  ServerControl,
  ServerStats,
} from './types.js';
