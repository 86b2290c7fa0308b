/**
 * The engine's deploy entry point: Flux's own events (validated), revisions, the record of what a commit
 * pushed to the default branch is expected to change and what the events say happened, and its check run
 * and pull-request comment. Pure: the adapters store records and receive events.
 */

export type { JsonObject } from "../kustomize/resource.ts";
export { type FluxEvent, FluxEventSchema, parseFluxEvent, parseRevision, type Revision } from "./event.ts";
export {
  decideFluxFailure,
  dependentsIndex,
  type FailureContext,
  type FailureDecision,
  failureKey,
  fluxFailureActions,
  REPEAT_HOURS,
  runbook,
} from "./failures.ts";
export {
  type ApiRefusal,
  apiRefusal,
  type ChangedObject,
  type ClusterDryRun,
  type ClusterStatus,
  clusterDryRunJson,
  type DefinedObjects,
  type DryRunAnswer,
  type DryRunOutcome,
  type DryRunPlan,
  driftOf,
  dryRunOutcome,
  dryRunPlan,
  joinStatus,
  type LiveFluxObject,
  liveFluxObject,
  MAX_DRY_RUN,
  renderClusterDryRun,
  renderStatus,
  type StatusRow,
} from "./live.ts";
export {
  DEPLOY_CHECK_NAME,
  DEPLOY_COMMENT_MARKER,
  type DeployCheckRun,
  deployHeadline,
  redactEventMessage,
  renderDeployCheckRun,
  renderDeployComment,
} from "./render.ts";
export {
  type ApplyOutcome,
  applyEvent,
  DEFAULT_DEPLOY_DEADLINE_MINUTES,
  type DeployKind,
  type DeployRecord,
  type DeployStatus,
  type DeployTarget,
  deployRecordFor,
  deployStatus,
  type EventContext,
  eventState,
  extendOrder,
  targetLabel,
} from "./tracking.ts";
