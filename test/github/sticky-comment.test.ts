import { describe, expect, it } from "vitest";
import { COMMENT_MARKER } from "../../src/core/report/markers.ts";
import { findStickyComment, type IssueComment, stickyAction } from "../../src/github/sticky-comment.ts";

const ME = { appId: 42, botUserId: 9001 };
const body = (text: string) => `${COMMENT_MARKER}\n${text}`;

describe("github/sticky-comment", () => {
  it("finds the App's own marked comment, never one a user or another app planted the marker in", () => {
    const comments: IssueComment[] = [
      { id: 1, body: body("copied by a human"), user: { id: 7, type: "User" } },
      {
        id: 2,
        body: body("other app"),
        user: { id: 555, type: "Bot" },
        performed_via_github_app: { id: 77 },
      },
      { id: 3, body: "no marker", user: { id: 9001, type: "Bot" } },
      { id: 5, body: body("ours, newer duplicate"), user: { id: 9001, type: "Bot" } },
      { id: 4, body: body("ours"), user: { id: 9001, type: "Bot" } },
    ];

    expect(findStickyComment(comments, ME)?.id).toBe(4);
    expect(findStickyComment(comments.slice(0, 3), ME)).toBeUndefined();
  });

  it("recognises the App by performed_via_github_app when the bot user id is unknown", () => {
    const comments: IssueComment[] = [
      { id: 8, body: body("ours"), user: { id: 123, type: "Bot" }, performed_via_github_app: { id: 42 } },
    ];

    expect(findStickyComment(comments, { appId: 42 })?.id).toBe(8);
    expect(findStickyComment(comments, { appId: 43 })).toBeUndefined();
  });

  it("creates, updates or leaves the comment by mode, relevance and content", () => {
    const existing = { id: 4, body: body("old") };

    expect(stickyAction(undefined, body("new"), "affected", true)).toEqual({ kind: "create" });
    expect(stickyAction(undefined, body("new"), "affected", false)).toEqual({
      kind: "none",
      why: "nothing-to-say",
    });
    expect(stickyAction(undefined, body("new"), "always", false)).toEqual({ kind: "create" });
    expect(stickyAction(undefined, body("new"), "never", true)).toEqual({ kind: "none", why: "mode-never" });
    expect(stickyAction(existing, body("new"), "never", false)).toEqual({ kind: "update", id: 4 });
    expect(stickyAction(existing, body("old"), "always", true)).toEqual({ kind: "none", why: "unchanged" });
  });
});
