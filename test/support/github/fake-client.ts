/**
 * Just enough of GitHub for the adapter functions the engine cases run for real (src/github/jobs.ts:
 * snapshotAt, failCheckRun, completeCheckRun): it serves one tarball for every tarball request, records
 * every request, and refuses check-run updates the way GitHub does (422) when they break its documented
 * limits — more than 50 annotations in one request, a title over 255 characters, a summary or text over
 * 65,535 characters.
 */
import { CountingClient, type GitHubClient, type RepoRef } from "../../../src/github/jobs.ts";

export const JOB: RepoRef = { owner: "example", repo: "home-cluster" };
export const TOP_DIR = "example-home-cluster-9f8e7d6/";

export interface RecordedRequest {
  route: string;
  params: Record<string, unknown>;
}

export interface CheckRunUpdate {
  conclusion?: string;
  title?: string;
  summary?: string;
  text?: string;
  annotations: number;
}

class Unprocessable extends Error {
  readonly status = 422;
  readonly response = { headers: {} };
}

export class FakeGitHub implements GitHubClient {
  readonly requests: RecordedRequest[] = [];
  readonly rejected: string[] = [];

  constructor(private readonly tarball: Uint8Array = new Uint8Array()) {}

  async request(route: string, parameters: Record<string, unknown> = {}) {
    this.requests.push({ route, params: parameters });
    if (route.includes("/tarball/")) return { data: this.tarball, status: 200 };
    if (route.startsWith("PATCH") && route.includes("/check-runs/")) {
      const problem = checkRunProblem(parameters);
      if (problem) {
        this.rejected.push(problem);
        throw new Unprocessable(problem);
      }
    }
    return { data: {}, status: 200 };
  }

  graphql<T>(): Promise<T> {
    return Promise.reject(new Error("the engine cases make no GraphQL request"));
  }

  client(): CountingClient {
    return new CountingClient(this);
  }

  downloads(): number {
    return this.requests.filter((r) => r.route.includes("/tarball/")).length;
  }

  checkRunUpdates(): CheckRunUpdate[] {
    return this.requests
      .filter((r) => r.route.startsWith("PATCH") && r.route.includes("/check-runs/"))
      .map(({ params }) => {
        const output = (params.output ?? {}) as Record<string, unknown>;
        const update: CheckRunUpdate = {
          annotations: Array.isArray(output.annotations) ? output.annotations.length : 0,
        };
        if (typeof params.conclusion === "string") update.conclusion = params.conclusion;
        if (typeof output.title === "string") update.title = output.title;
        if (typeof output.summary === "string") update.summary = output.summary;
        if (typeof output.text === "string") update.text = output.text;
        return update;
      });
  }
}

function checkRunProblem(params: Record<string, unknown>): string | undefined {
  const output = (params.output ?? {}) as Record<string, unknown>;
  const annotations = Array.isArray(output.annotations) ? output.annotations.length : 0;
  if (annotations > 50) return `${annotations} annotations in one request (GitHub takes 50)`;
  if (typeof output.title === "string" && output.title.length > 255) return "title over 255 characters";
  for (const field of ["summary", "text"] as const) {
    const value = output[field];
    if (typeof value === "string" && value.length > 65_535) return `${field} over 65,535 characters`;
  }
  return undefined;
}
