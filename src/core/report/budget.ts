/**
 * Fit a report into a size budget without ever cutting Markdown structure. A report is a list of
 * atomic blocks (a table row, a list item, one object's `<details>` diff); the budget drops whole
 * blocks, group by group in the order given (diffs before chains before tables …), each group in its
 * own order (largest first, or from the end), and puts one visible note where a group lost blocks.
 * Headers (a table head, a section heading, a `<details>` wrapper) stay only while something they
 * introduce stays, so fences and `<details>` remain balanced. Sizes are UTF-8 bytes: never fewer than
 * UTF-16 code units, so the stricter of GitHub's two ways of counting.
 * It does not render anything itself; the section renderers make the blocks.
 */

export interface Block {
  /** Complete Markdown (whole lines, ends with "\n"); never split. */
  text: string;
  /** Droppable: the group whose budget step may drop it. */
  group?: string;
  /** More membership tags (a Kustomization's diffs), for headers that introduce part of a group. */
  tags?: readonly string[];
  /** A header: kept only while some kept droppable block carries one of these groups or tags. */
  needs?: readonly string[];
  /** Kept in the last-resort fallback (marker, heading, verdict, footer). */
  essential?: boolean;
  /**
   * Essential but shed first (from the end) when the essential blocks alone exceed the size: the
   * lead's alerts and action lines give way before the verdict and footer are clipped.
   */
  shed?: boolean;
}

export interface DropGroup {
  id: string;
  /** "largest": the biggest blocks go first (diffs); "last": from the end (rows, list items). */
  order: "largest" | "last";
  /** The one line saying how many blocks were left out (Markdown, no line breaks). */
  note: (count: number) => string;
  /**
   * Consecutive groups with the same stage are dropped together, taking turns (the two affected tables
   * lose rows from their ends alike instead of one table vanishing first).
   */
  stage?: string;
}

export interface FitResult {
  text: string;
  /** Blocks dropped per group id. */
  dropped: Record<string, number>;
  /** True when even dropping every group was not enough and only the essential blocks remain. */
  fallback: boolean;
}

/** UTF-8 byte length (≥ the UTF-16 length for every string, so the stricter measure). */
export function textSize(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

function noteBlock(line: string): string {
  return `\n${line}\n\n`;
}

export function fitBlocks(
  blocks: readonly Block[],
  groups: readonly DropGroup[],
  maxSize: number,
  overflowNote: string,
): FitResult {
  const size = blocks.map((b) => textSize(b.text));
  const kept = blocks.map(() => true);
  const members = new Map<string, number>();
  const headersOf = new Map<string, number[]>();
  const tagsOf = (b: Block) => (b.group === undefined ? [] : [b.group, ...(b.tags ?? [])]);
  blocks.forEach((b, i) => {
    for (const t of tagsOf(b)) members.set(t, (members.get(t) ?? 0) + 1);
    for (const t of b.needs ?? []) {
      const list = headersOf.get(t) ?? [];
      list.push(i);
      headersOf.set(t, list);
    }
  });
  const headerKept = (i: number) => (blocks[i]!.needs ?? []).some((t) => (members.get(t) ?? 0) > 0);
  blocks.forEach((b, i) => {
    if (b.needs !== undefined) kept[i] = headerKept(i);
  });
  let total = size.reduce((sum, s, i) => sum + (kept[i] ? s : 0), 0);
  const noteSize = (g: DropGroup, n: number) => (n === 0 ? 0 : textSize(noteBlock(g.note(n))));

  const count = new Map<string, number>();
  for (const stage of stages(groups)) {
    if (total <= maxSize) break;
    for (const { group: g, index: i } of dropOrder(stage, blocks, size)) {
      if (total <= maxSize) break;
      const n = count.get(g.id) ?? 0;
      kept[i] = false;
      total -= size[i]!;
      for (const t of tagsOf(blocks[i]!)) {
        members.set(t, members.get(t)! - 1);
        for (const h of headersOf.get(t) ?? []) {
          if (kept[h] && !headerKept(h)) {
            kept[h] = false;
            total -= size[h]!;
          }
        }
      }
      total += noteSize(g, n + 1) - noteSize(g, n);
      count.set(g.id, n + 1);
    }
  }
  const dropped: Record<string, number> = Object.fromEntries(count);

  if (total > maxSize) return { text: fallbackText(blocks, overflowNote, maxSize), dropped, fallback: true };
  const lastOf = new Map<string, number>();
  blocks.forEach((b, i) => {
    if (b.group !== undefined) lastOf.set(b.group, i);
  });
  const byId = new Map(groups.map((g) => [g.id, g]));
  let text = "";
  blocks.forEach((b, i) => {
    if (kept[i]) text += b.text;
    if (b.group !== undefined && lastOf.get(b.group) === i && dropped[b.group] !== undefined)
      text += noteBlock(byId.get(b.group)!.note(dropped[b.group]!));
  });
  return { text, dropped, fallback: false };
}

/** Consecutive groups sharing a stage form one stage; every other group is a stage of its own. */
function stages(groups: readonly DropGroup[]): DropGroup[][] {
  const out: DropGroup[][] = [];
  for (const g of groups) {
    const last = out[out.length - 1];
    if (last && g.stage !== undefined && last[0]!.stage === g.stage) last.push(g);
    else out.push([g]);
  }
  return out;
}

/** Drop candidates of a stage: each group in its own order, the groups taking turns. */
function dropOrder(
  stage: readonly DropGroup[],
  blocks: readonly Block[],
  size: readonly number[],
): Array<{ group: DropGroup; index: number }> {
  const lists = stage.map((g) => {
    const candidates = blocks.map((_, i) => i).filter((i) => blocks[i]!.group === g.id);
    if (g.order === "largest") candidates.sort((a, b) => size[b]! - size[a]! || b - a);
    else candidates.reverse();
    return candidates;
  });
  const out: Array<{ group: DropGroup; index: number }> = [];
  for (let k = 0; lists.some((l) => k < l.length); k++)
    lists.forEach((l, j) => {
      if (k < l.length) out.push({ group: stage[j]!, index: l[k]! });
    });
  return out;
}

/** Essential blocks only, the overflow note where the first other block was; clipped on a line if needed. */
function fallbackText(blocks: readonly Block[], overflowNote: string, maxSize: number): string {
  const keep = blocks.map((b) => b.essential === true);
  let size = blocks.reduce(
    (n, b, i) => n + (keep[i] ? textSize(b.text) : 0),
    textSize(noteBlock(overflowNote)),
  );
  for (let i = blocks.length - 1; i >= 0 && size > maxSize; i--)
    if (keep[i] && blocks[i]!.shed) {
      keep[i] = false;
      size -= textSize(blocks[i]!.text);
    }
  let text = "";
  let noted = false;
  for (const [i, b] of blocks.entries()) {
    if (keep[i]) text += b.text;
    else if (!noted) {
      text += noteBlock(overflowNote);
      noted = true;
    }
  }
  while (textSize(text) > maxSize) {
    const cut = text.lastIndexOf("\n", text.length - 2);
    text = cut > 0 ? text.slice(0, cut + 1) : "";
  }
  return text;
}
