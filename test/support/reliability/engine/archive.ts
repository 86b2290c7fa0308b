/**
 * Cases B14–B20: hostile repository archives, through the code the GitHub App runs on a downloaded
 * tarball — `treeFromTarball` (src/github/tarball.ts) via `snapshotAt` (src/github/jobs.ts), then the
 * engine — and, when the archive is refused, the check run `failCheckRun` completes with: `failure` for
 * content over a limit (the configuration cannot relax that), `onAnalysisError` (failure by default) for an
 * archive GitHub sent broken.
 */
import { gzipSync } from "node:zlib";
import { packTar, type TarEntry } from "modern-tar";
import { analyzePullRequest, createMemorySnapshot } from "../../../../src/core/index.ts";
import { failCheckRun, snapshotAt } from "../../../../src/github/jobs.ts";
import { DEFAULT_TARBALL_LIMITS, TarballError, treeFromTarball } from "../../../../src/github/tarball.ts";
import { FakeGitHub, JOB, TOP_DIR } from "../../github/fake-client.ts";
import type { OutputSink } from "../types.ts";
import {
  type CaseSpec,
  Checklist,
  emitDiagnostics,
  errorText,
  mib,
  ms,
  quote,
  REVISIONS,
  rejection,
  renderAll,
  shown,
  timedAsync,
} from "./common.ts";
import { configMap, fluxRepo, kustomizationOf } from "./fixtures.ts";

const MiB = 1024 * 1024;
const SHA = "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432";
const limits = DEFAULT_TARBALL_LIMITS;

function file(name: string, body: string | Uint8Array): TarEntry {
  return {
    header: { name, size: typeof body === "string" ? Buffer.byteLength(body) : body.byteLength },
    body,
  };
}

async function tarball(entries: TarEntry[]): Promise<Uint8Array> {
  return gzipSync(await packTar(entries));
}

/** The repository as GitHub's archive of it: every file under the `<owner>-<repo>-<sha7>/` directory. */
function repoEntries(files: Record<string, string | Uint8Array>): TarEntry[] {
  return [
    { header: { name: TOP_DIR, type: "directory", size: 0 } },
    ...Object.entries(files).map(([path, body]) => file(`${TOP_DIR}${path}`, body)),
  ];
}

/** The ustar header block of `header`, with its size field set to `size` (which packTar would need the body for). */
async function headerWithSize(name: string, size: number): Promise<Uint8Array> {
  const block = (await packTar([{ header: { name, size: 0 } }])).slice(0, 512);
  const field = `${size.toString(8).padStart(11, "0")}\0`;
  for (let i = 0; i < 12; i++) block[124 + i] = field.charCodeAt(i);
  block.fill(0x20, 148, 156);
  const sum = block.reduce((n, b) => n + b, 0);
  const checksum = `${sum.toString(8).padStart(6, "0")}\0 `;
  for (let i = 0; i < 8; i++) block[148 + i] = checksum.charCodeAt(i);
  return block;
}

/**
 * A gzip bomb: one tar entry announcing 1 GiB of zeros, as 1 + 1,024 concatenated gzip members (each
 * 1 MiB of zeros in ~1 KB). gunzip decodes all members as one stream, so ~1 MB expands to 1 GiB.
 */
async function gzipBomb(): Promise<Uint8Array> {
  const header = await headerWithSize(`${TOP_DIR}zeros.yaml`, 1024 * MiB);
  const zeros = gzipSync(new Uint8Array(MiB), { level: 9 });
  return Buffer.concat([gzipSync(header), ...Array.from({ length: 1024 }, () => zeros)]);
}

/** What the user sees when the archive is refused: the check run failCheckRun completes. */
async function refusalCheck(
  out: OutputSink,
  error: unknown,
): Promise<{ conclusion: string; summary: string }> {
  const gh = new FakeGitHub();
  await failCheckRun(gh.client(), JOB, 1, error, {
    title: "flux-impact could not analyze this commit",
    logPrefix: "",
  });
  const update = gh.checkRunUpdates().at(-1);
  out(update?.title ?? "");
  out(update?.summary ?? "");
  return { conclusion: update?.conclusion ?? "(none)", summary: update?.summary ?? "" };
}

/** Download `gz` as the head revision the way the App does; the snapshot, or the error. */
async function downloadHead(gz: Uint8Array) {
  const gh = new FakeGitHub(gz);
  try {
    const snapshot = await snapshotAt(gh.client(), JOB, SHA, "head", limits);
    return { ok: true as const, snapshot, downloads: gh.downloads() };
  } catch (error) {
    return { ok: false as const, error, downloads: gh.downloads() };
  }
}

const APP_BASE = {
  "kustomization.yaml": kustomizationOf(["configmap.yaml"]),
  "configmap.yaml": configMap("a", { a: "1" }),
};

/** The base repository (clean) and a PR head downloaded from `gz`, analyzed and rendered. */
async function analyzeDownloadedHead(out: OutputSink, gz: Uint8Array) {
  const head = await downloadHead(gz);
  if (!head.ok) throw head.error;
  const { report } = analyzePullRequest({
    base: createMemorySnapshot(fluxRepo({ a: APP_BASE })),
    head: head.snapshot,
  });
  return { snapshot: head.snapshot, rendered: renderAll(out, report, REVISIONS) };
}

export const archiveCases: CaseSpec[] = [
  {
    id: "B14",
    group: "bad-input",
    name: "Gzip bomb (1 MB → 1 GiB)",
    expected:
      "Refused as a TarballError (too-large) naming the project's uncompressed limit (40 MB; plan: 100 MiB) " +
      "in < 1 s, memory bounded by that limit (peak RSS growth ≤ limit + 128 MiB), a failed check with the " +
      "message (never a pass), no crash",
    async run({ out }) {
      const c = new Checklist();
      const gz = await gzipBomb();
      const rssBefore = process.memoryUsage().rss;
      const peakBefore = process.resourceUsage().maxRSS * 1024;
      const { value: error, ms: took } = await timedAsync(() => rejection(() => treeFromTarball(gz, limits)));
      const peakAfter = process.resourceUsage().maxRSS * 1024;
      const growth = peakAfter - rssBefore;
      c.note(`archive ${(gz.byteLength / MiB).toFixed(2)} MB compressed, 1 GiB expanded`);
      if (error instanceof TarballError) out(error.message);
      c.check(
        error instanceof TarballError && error.problem === "too-large",
        `refused: ${error instanceof TarballError ? `${error.problem} ${quote(error.message)}` : errorText(error)}`,
      );
      c.note(`after ${ms(took)} (target < 1 s: ${took < 1000 ? "met" : "missed"})`);
      c.check(
        growth <= limits.uncompressedBytes + 128 * MiB,
        `peak RSS growth ${peakAfter > peakBefore ? "" : "≤ "}${mib(growth)} (peak ${mib(peakAfter)})`,
      );
      const check = await refusalCheck(out, error);
      c.check(
        check.conclusion === "failure" && check.summary.includes("limit"),
        `check run ${check.conclusion}`,
      );
      return c.verdict();
    },
  },
  {
    id: "B15",
    group: "bad-input",
    name: "100,000 empty entries",
    expected:
      "Refused as a TarballError (too-many-files) naming the project's file limit (50,000; plan: 20,000), " +
      "a failed check (never a pass), no crash",
    async run({ out }) {
      const c = new Checklist();
      const entries = Array.from({ length: 100_000 }, (_, i) => file(`${TOP_DIR}f/${i}.yaml`, ""));
      const gz = await tarball(entries);
      const { value: error, ms: took } = await timedAsync(() => rejection(() => treeFromTarball(gz, limits)));
      if (error instanceof TarballError) out(error.message);
      c.check(
        error instanceof TarballError &&
          error.problem === "too-many-files" &&
          error.message.includes("50000"),
        `refused in ${ms(took)}: ${error instanceof TarballError ? quote(error.message) : errorText(error)}`,
      );
      const check = await refusalCheck(out, error);
      c.check(check.conclusion === "failure", `check run ${check.conclusion}`);
      return c.verdict();
    },
  },
  {
    id: "B16",
    group: "bad-input",
    name: "Entry names ../../etc/passwd, /abs.yaml, a\\..\\b, NUL",
    expected: "Each entry rejected (never part of the snapshot) and listed to the user in the check run",
    async run({ out }) {
      const c = new Checklist();
      // Each hostile entry, and how it would show up among the snapshot's paths if it were kept.
      const hostile: Array<{ label: string; entry: TarEntry; leaked: (path: string) => boolean }> = [
        {
          label: "../../etc/passwd",
          entry: file(`${TOP_DIR}../../etc/passwd`, "root:x:0:0\n"),
          leaked: (p) => p.includes("etc/passwd"),
        },
        { label: "/abs.yaml", entry: file("/abs.yaml", "a: 1\n"), leaked: (p) => p.endsWith("abs.yaml") },
        {
          label: "a\\..\\b",
          entry: file(`${TOP_DIR}a\\..\\b.yaml`, "a: 1\n"),
          leaked: (p) => p.includes("\\"),
        },
        {
          label: "NUL in the ustar name",
          entry: file(`${TOP_DIR}nul\0name.yaml`, "a: 1\n"),
          leaked: (p) => p.startsWith("nul"),
        },
        {
          label: "NUL in the pax path",
          entry: {
            header: { name: `${TOP_DIR}pax.yaml`, size: 5, pax: { path: `${TOP_DIR}pax\0name.yaml` } },
            body: "a: 1\n",
          },
          leaked: (p) => p.startsWith("pax"),
        },
      ];
      const gz = await tarball([...repoEntries(fluxRepo({ a: APP_BASE })), ...hostile.map((h) => h.entry)]);
      const tree = await treeFromTarball(gz, limits);
      for (const h of hostile) {
        const kept = [...tree.files.keys()].find(h.leaked);
        c.check(
          kept === undefined,
          kept === undefined ? `${h.label} rejected` : `${h.label} kept as file ${quote(kept)}`,
        );
      }
      c.note(
        `listed by treeFromTarball: ${tree.rejected.map((r) => `${quote(r.path)} (${r.reason})`).join(", ")}`,
      );

      const { rendered } = await analyzeDownloadedHead(out, gz);
      // Listed literally, or — for names no report can print as they are (a NUL, a backslash) — as the
      // check run's archive-entry-skipped finding about that entry.
      const mentioned = tree.rejected.filter(
        (r) =>
          shown(rendered, r.path) ||
          rendered.findings.some((d) => d.code === "archive-entry-skipped" && d.ref === r.path),
      );
      c.check(
        tree.rejected.length > 0 && mentioned.length === tree.rejected.length,
        `${mentioned.length} of ${tree.rejected.length} rejected entries listed in the check run or comment` +
          " (src/github/jobs.ts snapshotAt drops TarballTree.rejected)",
      );

      // "<top>//x" is absolute once the top directory is stripped.
      const slash = await downloadHead(await tarball(repoEntries({ "/double.yaml": "a: 1\n" })));
      if (!slash.ok) out(errorText(slash.error));
      c.check(
        slash.ok && !slash.snapshot.files().some((p) => p.includes("double")),
        slash.ok
          ? "<top>//double.yaml left out"
          : `<top>//double.yaml: the download failed with an unexpected ${errorText(slash.error)} (not a TarballError; users get the generic failure message)`,
      );
      return c.verdict();
    },
  },
  {
    id: "B17",
    group: "bad-input",
    name: "Symlink entry referenced by a kustomization",
    expected:
      'The symlink never enters the snapshot (host file never read); the kustomization entry gets "… is a symlink; Flux artifacts contain no symlinks" naming the path',
    async run({ out }) {
      const c = new Checklist();
      const app = { ...APP_BASE, "kustomization.yaml": kustomizationOf(["configmap.yaml", "creds.yaml"]) };
      const gz = await tarball([
        ...repoEntries(fluxRepo({ a: app })),
        {
          header: {
            name: `${TOP_DIR}apps/a/creds.yaml`,
            type: "symlink",
            linkname: "/proc/self/environ",
            size: 0,
          },
        },
      ]);
      const tree = await treeFromTarball(gz, limits);
      c.check(
        !tree.files.has("apps/a/creds.yaml") && tree.rejected.some((r) => r.reason === "symlink"),
        `tarball: symlink left out and listed as ${tree.rejected.map((r) => r.reason).join(", ") || "nothing"}`,
      );
      const { rendered } = await analyzeDownloadedHead(out, gz);
      const symlinkMessage = rendered.findings.find((d) => d.code === "path-is-symlink");
      const missing = rendered.findings.find((d) => d.message.includes("creds.yaml"));
      c.check(
        symlinkMessage !== undefined,
        symlinkMessage
          ? `App: ${symlinkMessage.code} ${quote(symlinkMessage.message)}`
          : `App (snapshotAt drops the rejected symlink, so the engine never learns it): ${missing ? `${missing.code} ${quote(missing.message)}` : "no finding"}`,
      );
      // The engine itself, told about the symlink (as the CLI does from disk), names it.
      const engine = analyzePullRequest({
        base: createMemorySnapshot(fluxRepo({ a: APP_BASE })),
        head: createMemorySnapshot(tree.files, { symlinks: ["apps/a/creds.yaml"] }),
      });
      emitDiagnostics(out, engine.report.findings.introduced);
      const direct = engine.report.findings.introduced.find((d) => d.code === "path-is-symlink");
      c.note(`engine given the symlink: ${direct ? quote(direct.message) : "no path-is-symlink finding"}`);
      return c.verdict();
    },
  },
  {
    id: "B18",
    group: "bad-input",
    name: "Hard link, FIFO and device entries",
    expected: "Left out of the snapshot, with a warning listing them in the check run",
    async run({ out }) {
      const c = new Checklist();
      const odd: TarEntry[] = [
        {
          header: {
            name: `${TOP_DIR}apps/a/hard.yaml`,
            type: "link",
            linkname: `${TOP_DIR}apps/a/configmap.yaml`,
            size: 0,
          },
        },
        { header: { name: `${TOP_DIR}apps/a/pipe.yaml`, type: "fifo", size: 0 } },
        { header: { name: `${TOP_DIR}apps/a/tty.yaml`, type: "character-device", size: 0 } },
        { header: { name: `${TOP_DIR}apps/a/disk.yaml`, type: "block-device", size: 0 } },
      ];
      const gz = await tarball([...repoEntries(fluxRepo({ a: APP_BASE })), ...odd]);
      const tree = await treeFromTarball(gz, limits);
      const kept = odd.filter((e) => tree.files.has(e.header.name.slice(TOP_DIR.length)));
      c.check(kept.length === 0, `${odd.length - kept.length} of ${odd.length} left out of the snapshot`);
      c.note(`tarball lists them: ${tree.rejected.map((r) => `${r.path} (${r.reason})`).join(", ")}`);
      const { rendered } = await analyzeDownloadedHead(out, gz);
      const warned = tree.rejected.filter((r) => shown(rendered, r.path));
      c.check(
        warned.length === odd.length,
        `${warned.length} of ${odd.length} named in a warning to the user (src/github/jobs.ts snapshotAt drops TarballTree.rejected)`,
      );
      return c.verdict();
    },
  },
  {
    id: "B19",
    group: "bad-input",
    name: "Truncated or CRC-corrupt tarball",
    expected:
      'One re-download, then a clear "archive incomplete/corrupt" message in a failed check (onAnalysisError default); no partial analysis',
    async run({ out }) {
      const c = new Checklist();
      const gz = await tarball(repoEntries(fluxRepo({ a: APP_BASE })));
      const truncated = gz.subarray(0, Math.floor(gz.byteLength / 2));
      const badCrc = Uint8Array.from(gz);
      const crcAt = badCrc.byteLength - 8;
      badCrc[crcAt] = (badCrc[crcAt] ?? 0) ^ 0xff;
      for (const [label, bytes] of [
        ["truncated", truncated],
        ["CRC-corrupt", badCrc],
      ] as const) {
        const head = await downloadHead(bytes);
        const error = head.ok ? undefined : head.error;
        if (error instanceof Error) out(error.message);
        c.check(
          error instanceof TarballError && error.problem === "corrupt",
          `${label}: ${head.ok ? "accepted (a partial snapshot!)" : error instanceof TarballError ? `${error.problem} ${quote(error.message)}` : errorText(error)}`,
        );
        c.check(head.downloads === 2, `${label}: downloaded ${head.downloads}× by snapshotAt`);
        const check = await refusalCheck(out, error);
        c.check(check.conclusion === "failure", `${label}: check run ${check.conclusion}`);
      }
      return c.verdict();
    },
  },
  {
    id: "B20",
    group: "bad-input",
    name: "Pax commit id ≠ requested SHA",
    expected: "The archive is refused (its pax global header names another commit)",
    async run({ out }) {
      const c = new Checklist();
      const other = "0123456789abcdef0123456789abcdef01234567";
      const gz = await tarball([
        // As `git archive` writes it: one pax record, "<length> comment=<sha>\n", in the global header's data.
        {
          header: { name: "pax_global_header", type: "pax-global-header", size: 52 },
          body: `52 comment=${other}\n`,
        },
        ...repoEntries(fluxRepo({ a: APP_BASE })),
      ]);
      const head = await downloadHead(gz);
      if (!head.ok) out(errorText(head.error));
      c.check(
        !head.ok,
        head.ok
          ? `accepted: snapshotAt(${SHA.slice(0, 7)}) returned ${head.snapshot.files().length} files of commit ${other.slice(0, 7)} (treeFromTarball skips the pax global header)`
          : `refused: ${errorText(head.error)}`,
      );
      return c.verdict();
    },
  },
];
