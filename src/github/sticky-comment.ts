/**
 * The one sticky comment per pull request: found by its hidden marker AND by its author being this App
 * (GraphQL's viewerDidAuthor under the installation token, the bot user, or a comment GitHub says was made
 * via this App) — a marker pasted by anyone else is
 * never touched. Decides whether to create, update, or leave it, given the comment mode: an existing
 * comment is always brought up to date; unchanged content is not written again.
 */
import { hasCommentMarker } from "../core/report/index.ts";

export interface IssueComment {
  id: number;
  body?: string | null | undefined;
  user?: { id: number; type?: string } | null | undefined;
  performed_via_github_app?: { id: number } | null | undefined;
  /** GraphQL's `viewerDidAuthor` read with the installation token: the App wrote it. */
  viewerDidAuthor?: boolean | undefined;
}

export interface BotIdentity {
  appId: number;
  /** The App's bot user id (`<slug>[bot]`), when known. */
  botUserId?: number | undefined;
}

export function isOwnComment(comment: IssueComment, me: BotIdentity): boolean {
  if (!hasCommentMarker(comment.body ?? "")) return false;
  if (comment.viewerDidAuthor === true) return true;
  if (me.botUserId !== undefined && comment.user?.id === me.botUserId) return true;
  return comment.performed_via_github_app?.id === me.appId && comment.user?.type === "Bot";
}

/** The App's sticky comment among a PR's comments (the oldest, if a race ever made two). */
export function findStickyComment(
  comments: readonly IssueComment[],
  me: BotIdentity,
): IssueComment | undefined {
  return ownComments(comments, me)[0];
}

/**
 * The App's marked comments beyond the sticky one: two deliveries racing on different instances can each
 * create one before either sees the other; the next run deletes the younger ones.
 */
export function duplicateStickyComments(comments: readonly IssueComment[], me: BotIdentity): IssueComment[] {
  return ownComments(comments, me).slice(1);
}

function ownComments(comments: readonly IssueComment[], me: BotIdentity): IssueComment[] {
  return comments.filter((c) => isOwnComment(c, me)).sort((a, b) => a.id - b.id);
}

export type CommentMode = "always" | "affected" | "never";

export type StickyAction =
  | { kind: "create" }
  | { kind: "update"; id: number }
  | { kind: "none"; why: "unchanged" | "nothing-to-say" | "mode-never" };

/**
 * What to do with the comment. `relevant`: the change affects Flux objects or introduces a finding.
 * Mode "never" posts nothing new but still corrects an existing comment (it must not keep stating
 * something that is no longer true).
 */
export function stickyAction(
  existing: IssueComment | undefined,
  body: string,
  mode: CommentMode,
  relevant: boolean,
): StickyAction {
  if (existing) {
    return existing.body === body ? { kind: "none", why: "unchanged" } : { kind: "update", id: existing.id };
  }
  if (mode === "never") return { kind: "none", why: "mode-never" };
  if (mode === "affected" && !relevant) return { kind: "none", why: "nothing-to-say" };
  return { kind: "create" };
}
