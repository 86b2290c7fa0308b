/**
 * Hidden HTML markers that identify the bot's own GitHub artifacts. The sticky PR comment starts with
 * COMMENT_MARKER on its first line; the GitHub layer finds the comment to update by this marker AND by
 * the comment's author being the App's bot user (a marker alone can be planted by anyone). Markers are
 * fixed strings: nothing from the repository or the pull request is ever written into them.
 */

export const COMMENT_MARKER = "<!-- flux-impact:comment -->";

/** True when `body` is a flux-impact comment: the marker on its first line. Author checks are the caller's. */
export function hasCommentMarker(body: string): boolean {
  const firstLine = body.split("\n", 1)[0] ?? "";
  return firstLine.trim() === COMMENT_MARKER;
}
