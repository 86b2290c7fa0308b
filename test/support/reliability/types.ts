/**
 * One row of the reliability table (`npm run reliability`): a case of the test plan in
 * ../shared/docs/reliability-security.md §5 (bad input 1–44, fault F1–F20, load figure L1–L8) or of the
 * gate, fork-writes and replay groups (G, W, R: issue 13), what the
 * plan expects, what this run observed, and whether that meets the expectation.
 */
export type CaseGroup = "bad-input" | "fault" | "gate" | "fork-writes" | "replay" | "load";

export interface CaseResult {
  /** "B14", "F3", "G2", "W1", "R1", "L5". */
  id: string;
  group: CaseGroup;
  /** Short name of the case. */
  name: string;
  /** The expected behaviour, in words. */
  expected: string;
  /** What happened, in words (the message a user saw, the status, the figure). */
  observed: string;
  pass: boolean;
}

/** Every string a run produced that a user or operator could see (messages, comments, logs), for the seeded-secret scan. */
export type OutputSink = (text: string) => void;
