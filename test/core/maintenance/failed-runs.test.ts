import { describe, expect, it } from "vitest";
import { DEFAULT_CONFIG } from "../../../src/core/config/schema.ts";
import { type BotIssue, issueMarker } from "../../../src/core/maintenance/bot-issues.ts";
import {
  carryCiSection,
  decideWorkflowRun,
  failedStepLog,
  failureText,
  isDefaultBranchRun,
  type WorkflowRunInfo,
  watched,
  withCiEntry,
  workflowRunActions,
} from "../../../src/core/maintenance/failed-runs.ts";

const RUN: WorkflowRunInfo = {
  id: 1000,
  attempt: 1,
  number: 45,
  name: "CI",
  path: ".github/workflows/ci.yaml",
  conclusion: "failure",
  headBranch: "main",
  headSha: "0123456789abcdef0123456789abcdef01234567",
  event: "push",
  url: "https://github.com/o/r/actions/runs/1000",
  fromThisRepository: true,
};
const CONFIG = DEFAULT_CONFIG.failedRuns;

function tracked(fields: Record<string, string | number>, state: BotIssue["state"] = "open"): BotIssue {
  return {
    number: 9,
    title: 'Workflow "CI" is failing on main',
    body: `${issueMarker("workflow", RUN.path, fields)}\nbody`,
    state,
  };
}

type Row = [string, Partial<WorkflowRunInfo>, BotIssue[], string];

describe("core/maintenance failed workflow runs", () => {
  const rows: Row[] = [
    ["first failure on main → open", {}, [], "open"],
    ["timed out and startup failure count as failures", { conclusion: "timed_out" }, [], "open"],
    ["failure on a PR branch → no issue", { headBranch: "feature" }, [], "none"],
    [
      "another failure → comment (2 in a row)",
      { id: 1001, number: 46 },
      [tracked({ failures: 1, run: "1000.1", number: 45 })],
      "comment:2",
    ],
    [
      "the same run delivered again → nothing",
      {},
      [tracked({ failures: 1, run: "1000.1", number: 45 })],
      "none",
    ],
    [
      "a re-run attempt failing again → comment",
      { attempt: 2 },
      [tracked({ failures: 1, run: "1000.1", number: 45 })],
      "comment:2",
    ],
    [
      "an older queued run failing late → nothing",
      { id: 990, number: 44 },
      [tracked({ failures: 1, run: "1000.1", number: 45 })],
      "none",
    ],
    [
      "success after failures → close",
      { id: 1002, number: 47, conclusion: "success" },
      [tracked({ failures: 3, run: "1001.1", number: 46 })],
      "close:3",
    ],
    [
      "an older run succeeding late → nothing",
      { id: 990, number: 44, conclusion: "success" },
      [tracked({ failures: 1, run: "1000.1", number: 45 })],
      "none",
    ],
    ["success with no issue → nothing", { conclusion: "success" }, [], "none"],
    [
      "cancelled → nothing",
      { conclusion: "cancelled" },
      [tracked({ failures: 1, run: "1000.1", number: 45 })],
      "none",
    ],
    [
      "closed issue → a new failure opens a new one",
      { id: 1003, number: 50 },
      [tracked({ failures: 2, run: "1001.1", number: 46 }, "closed")],
      "open",
    ],
  ];

  it.each(rows)("%s", (_name, run, issues, expected) => {
    const { decision } = decideWorkflowRun({ ...RUN, ...run }, "main", CONFIG, issues);
    const got =
      decision.kind === "comment" || decision.kind === "close"
        ? `${decision.kind}:${decision.failures}`
        : decision.kind;
    expect(got).toBe(expected);
  });

  it("watches workflows by name or file path, with ignore winning", () => {
    expect(
      watched({ ...CONFIG, workflows: ["flux-*"] }, { name: "flux-local", path: ".github/workflows/x.yaml" }),
    ).toBe(true);
    expect(watched({ ...CONFIG, workflows: [".github/workflows/e2e*"] }, RUN)).toBe(false);
    expect(watched({ ...CONFIG, ignoreWorkflows: ["CI"] }, RUN)).toBe(false);
    expect(decideWorkflowRun(RUN, "main", { ...CONFIG, enabled: false }, []).decision.kind).toBe("none");
  });

  it("the repeat comment records the new state in the issue's marker", () => {
    const issue = tracked({ failures: 1, run: "1000.1", number: 45 });
    const run = { ...RUN, id: 1001, number: 46 };
    const { decision } = decideWorkflowRun(run, "main", CONFIG, [issue]);
    const [action] = workflowRunActions(decision, run, "main", CONFIG);
    expect(action).toMatchObject({ kind: "comment", number: 9 });
    const body = (action as { updateBody: string }).updateBody;
    expect(body.split("\n")[0]).toBe(
      issueMarker("workflow", RUN.path, { failures: 2, run: "1001.1", number: 46 }),
    );
    expect(decideWorkflowRun(run, "main", CONFIG, [{ ...issue, body }]).decision.kind).toBe("none");
  });

  it("the issue holds the failed jobs, steps, annotations and the failed step's last log lines, masked", () => {
    const token = `ghp_${"A1b2C3d4E5".repeat(3)}123456`;
    const log = [
      "2026-11-30T10:00:00.0000000Z ##[group]Run actions/checkout@v4",
      "2026-11-30T10:00:01.0000000Z checked out",
      "2026-11-30T10:00:02.0000000Z ##[group]Run npm test",
      "2026-11-30T10:00:03.0000000Z \u001b[31mFAIL\u001b[0m src/a.test.ts",
      `2026-11-30T10:00:04.0000000Z using ${token}`,
      "2026-11-30T10:00:05.0000000Z ##[error]Process completed with exit code 1.",
      "2026-11-30T10:00:06.0000000Z ##[group]Run post checkout",
    ].join("\n");
    expect(failedStepLog(log)).toEqual([
      "##[group]Run npm test",
      "FAIL src/a.test.ts",
      expect.stringMatching(/^using (?!ghp_)/),
      "##[error]Process completed with exit code 1.",
      "##[group]Run post checkout",
    ]);
    const [open] = workflowRunActions({ kind: "open" }, RUN, "main", CONFIG, {
      jobs: [
        {
          name: "test",
          conclusion: "failure",
          url: "https://github.com/o/r/actions/runs/1000/job/5",
          failedSteps: ["npm test"],
          annotations: [{ path: "src/a.ts", line: 3, message: `expected [x](https://e.vil) ${token}` }],
          log,
        },
      ],
      commitUrl: "https://github.com/o/r/commit/0123456",
    });
    const body = (open as { body: string }).body;
    expect((open as { title: string }).title).toBe('Workflow "CI" is failing on main');
    expect(body).toContain("[run #&#8203;45](https://github.com/o/r/actions/runs/1000)");
    expect(body).toContain("Failed step: `npm test`");
    expect(body).toContain("`src/a.ts:3`: expected \\[x\\](https:&#8203;//e.vil)");
    expect(body).toContain("Last 5 lines of the failed step's log");
    expect(body).not.toContain(token);
    expect(failureText({ jobs: [] })).toContain("could not be read");
  });
});

describe("core/maintenance CI section of the sticky comment", () => {
  const comment = "<!-- flux-impact:comment -->\n## Flux impact\nbody\n";

  it("adds a failing workflow, replaces it for a new head, removes it when the workflow passes", () => {
    const one = withCiEntry(comment, RUN, true);
    expect(one).toContain(`<!-- flux-impact:ci sha=${RUN.headSha} -->`);
    expect(one).toContain("- ❌ **CI**: [run #&#8203;45](https://github.com/o/r/actions/runs/1000) failed");
    const two = withCiEntry(
      one,
      { ...RUN, name: "Lint", path: ".github/workflows/lint.yaml", number: 7 },
      true,
    );
    expect(two.match(/❌/g)).toHaveLength(2);
    expect(withCiEntry(two, { ...RUN, conclusion: "success" }, false).match(/❌/g)).toHaveLength(1);
    expect(withCiEntry(withCiEntry(one, { ...RUN, conclusion: "success" }, false), RUN, false)).toBe(comment);
    const otherHead = withCiEntry(two, { ...RUN, headSha: "f".repeat(40) }, true);
    expect(otherHead.match(/❌/g)).toHaveLength(1);
  });

  it("a new analysis of the same head keeps the section; of another head drops it", () => {
    const old = withCiEntry(comment, RUN, true);
    const fresh = "<!-- flux-impact:comment -->\n## Flux impact\nnew body\n";
    expect(carryCiSection(old, fresh, RUN.headSha)).toContain("❌ **CI**");
    expect(carryCiSection(old, fresh, "f".repeat(40))).toBe(fresh);
    expect(carryCiSection(undefined, fresh, RUN.headSha)).toBe(fresh);
  });
});

describe("core/maintenance/failed-runs origin rule", () => {
  it("counts a run for the default branch only from this repository, on that branch, by a branch event", () => {
    expect(isDefaultBranchRun(RUN, "main")).toBe(true);
    expect(isDefaultBranchRun({ ...RUN, event: "schedule" }, "main")).toBe(true);
    // A fork's pull request from its own branch called main.
    expect(isDefaultBranchRun({ ...RUN, fromThisRepository: false, event: "pull_request" }, "main")).toBe(
      false,
    );
    expect(isDefaultBranchRun({ ...RUN, fromThisRepository: false }, "main")).toBe(false);
    const { fromThisRepository: _unknown, ...unknownOrigin } = RUN;
    expect(isDefaultBranchRun(unknownOrigin, "main")).toBe(false);
    // This repository's pull request run whose head branch is named main (a PR from main to a release branch).
    expect(isDefaultBranchRun({ ...RUN, event: "pull_request" }, "main")).toBe(false);
    expect(isDefaultBranchRun({ ...RUN, headBranch: "feature" }, "main")).toBe(false);
  });

  it("a fork's failing run named like the default branch opens no issue, and its success closes none", () => {
    const fork = { ...RUN, fromThisRepository: false, event: "pull_request_target" };
    expect(decideWorkflowRun(fork, "main", CONFIG, []).decision).toEqual({
      kind: "none",
      why: "a run of another repository (a fork)",
    });
    const open = tracked({ run: 999, sha: RUN.headSha, count: 1 });
    expect(decideWorkflowRun({ ...fork, conclusion: "success" }, "main", CONFIG, [open]).decision.kind).toBe(
      "none",
    );
  });
});
