/**
 * Flux's own events, as notification-controller forwards them to a `generic` or `generic-hmac` Provider
 * (fluxcd/pkg apis/event/v1beta1 `Event`, JSON-encoded): which object, how it went, at which revision. The
 * schema validates what the receiver accepts; unknown fields are allowed (newer controllers add some) and
 * dropped.
 */
import type { V1ObjectReference } from "@kubernetes/client-node";
import * as z from "zod";

/** Longest message kept (Flux's messages carry whole apply logs; GitHub's check run text is bounded). */
export const MAX_EVENT_MESSAGE = 4000;

const name = z.string().min(1).max(253);

const InvolvedObject = z.object({
  kind: z.string().min(1).max(100),
  name,
  namespace: z.string().max(63).optional(),
  apiVersion: z.string().max(200).optional(),
  uid: z.string().max(100).optional(),
  resourceVersion: z.string().max(100).optional(),
  fieldPath: z.string().max(500).optional(),
});

export const FluxEventSchema = z.object({
  involvedObject: InvolvedObject,
  severity: z.enum(["info", "error", "trace"]),
  /** RFC 3339, as metav1.Time marshals it. */
  timestamp: z.iso.datetime({ offset: true }),
  message: z.string().max(64 * 1024),
  reason: z.string().min(1).max(200),
  /** revision (`main@sha1:<sha>` from kustomize-controller, the chart version from helm-controller), and the Alert's eventMetadata. */
  metadata: z.record(z.string().max(200), z.string().max(4096)).optional(),
  reportingController: z.string().min(1).max(200),
  reportingInstance: z.string().max(300).optional(),
});

export interface FluxEvent {
  involvedObject: V1ObjectReference & { kind: string; name: string };
  severity: "info" | "error" | "trace";
  timestamp: string;
  message: string;
  reason: string;
  metadata?: Record<string, string>;
  reportingController: string;
  reportingInstance?: string;
}

export type ParsedEvent = { ok: true; event: FluxEvent } | { ok: false; problems: string[] };

/** Validates a decoded JSON body as a Flux event; problems name the field, never echo the value. */
export function parseFluxEvent(value: unknown): ParsedEvent {
  const r = FluxEventSchema.safeParse(value);
  if (!r.success)
    return {
      ok: false,
      problems: r.error.issues.slice(0, 5).map((i) => `${i.path.join(".") || "(event)"}: ${i.message}`),
    };
  const e = r.data;
  const event: FluxEvent = {
    involvedObject: objectReference(e.involvedObject),
    severity: e.severity,
    timestamp: e.timestamp,
    message: e.message.length > MAX_EVENT_MESSAGE ? `${e.message.slice(0, MAX_EVENT_MESSAGE)}…` : e.message,
    reason: e.reason,
    reportingController: e.reportingController,
  };
  if (e.metadata) event.metadata = { ...e.metadata };
  if (e.reportingInstance) event.reportingInstance = e.reportingInstance;
  return { ok: true, event };
}

/** The reference as @kubernetes/client-node types it: absent fields left out, not undefined. */
function objectReference(o: z.infer<typeof InvolvedObject>): FluxEvent["involvedObject"] {
  const ref: FluxEvent["involvedObject"] = { kind: o.kind, name: o.name };
  for (const key of ["namespace", "apiVersion", "uid", "resourceVersion", "fieldPath"] as const) {
    const value = o[key];
    if (value !== undefined) ref[key] = value;
  }
  return ref;
}

/** A source revision as Flux reports it. */
export type Revision =
  | { kind: "git"; ref?: string; sha: string }
  /** A chart version (helm-controller), an OCI digest, a bucket checksum: not a commit. */
  | { kind: "other"; value: string };

const GIT_SHA = /^[0-9a-f]{40}$|^[0-9a-f]{64}$/;

/**
 * `main@sha1:<sha>` (Flux ≥ 2.0), `refs/heads/main@sha1:<sha>`, `sha1:<sha>`, and the older `main/<sha>`;
 * anything else (a chart version `1.2.3`, `latest@sha256:<digest>` of an OCI artifact) is not a commit.
 */
export function parseRevision(revision: string): Revision {
  const at = revision.lastIndexOf("@");
  const ref = at > 0 ? revision.slice(0, at) : undefined;
  const digest = at >= 0 ? revision.slice(at + 1) : revision;
  const m = /^(sha1|sha256):([0-9a-f]+)$/.exec(digest);
  if (m && GIT_SHA.test(m[2]!) && (m[1] === "sha1") === (m[2]!.length === 40)) {
    // An OCI artifact's revision is also `<tag>@sha256:<digest>`: only sha1 is unambiguously a commit.
    if (m[1] === "sha256") return { kind: "other", value: revision };
    return ref
      ? { kind: "git", ref: ref.replace(/^refs\/heads\//, ""), sha: m[2]! }
      : { kind: "git", sha: m[2]! };
  }
  const legacy = /^(.+)\/([0-9a-f]{40})$/.exec(revision);
  if (legacy) return { kind: "git", ref: legacy[1]!.replace(/^refs\/heads\//, ""), sha: legacy[2]! };
  if (/^[0-9a-f]{40}$/.test(revision)) return { kind: "git", sha: revision };
  return { kind: "other", value: revision };
}
