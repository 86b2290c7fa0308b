/**
 * The engine's maintenance entry point: what the maintainer issues say and which actions keep them in
 * step — disabled and stale services, the stale sweep, the dashboard, failed workflow runs — and the
 * markers that identify the bot's issues. Pure: the GitHub adapter lists issues and applies the actions.
 */
export {
  BOT_LABEL,
  type BotIssue,
  duplicateActions,
  type IssueAction,
  issueLabels,
  issueMarker,
  issuesByKey,
} from "./bot-issues.ts";
export { type LiveObjectState, renderDashboard } from "./dashboard.ts";
export { findDisabledServices } from "./disabled-services.ts";
export {
  carryCiSection,
  decideWorkflowRun,
  FAILED,
  type FailedJob,
  type FailureDetails,
  fluxImpactText,
  isDefaultBranchRun,
  type WorkflowRunInfo,
  watched,
  withCiEntry,
  workflowRunActions,
} from "./failed-runs.ts";
export { type DisabledCommit, planStaleSweep, serviceAges } from "./stale.ts";
