import { describe, expect, it } from "vitest";
import {
  ChartFetchError,
  type ChartFetcher,
  type ChartFetchReason,
  supplyCharts,
} from "../../src/charts/index.ts";
import { type ChartNeed, createMemorySnapshot } from "../../src/core/index.ts";

const need: ChartNeed = {
  id: "head:app",
  side: "head",
  location: { type: "helm", url: "https://charts.example.com", chart: "app", version: "1.0.0" },
};

/** A fetcher that fails every fetch for `reason`. */
function failing(reason: ChartFetchReason): ChartFetcher {
  return {
    fetchChart: async () => {
      throw new ChartFetchError(reason, `https://charts.example.com/app-1.0.0.tgz: ${reason}`);
    },
    close: async () => {},
  };
}

const snapshots = { base: createMemorySnapshot({}), head: createMemorySnapshot({}) };

describe("supplyCharts", () => {
  it("marks a chart past a size bound as a limit (the render fails closed), other failures as unknown", async () => {
    const large = await supplyCharts([need], { fetcher: failing("too-large"), snapshots });
    expect(large.get(need.id)).toEqual({
      error: "its chart could not be fetched: https://charts.example.com/app-1.0.0.tgz: too-large",
      limit: true,
    });
    const missing = await supplyCharts([need], { fetcher: failing("not-found"), snapshots });
    expect(missing.get(need.id)).toEqual({
      error: "its chart could not be fetched: https://charts.example.com/app-1.0.0.tgz: not-found",
    });
  });

  it("marks a chart folder's subchart archive that cannot be unpacked as a limit", async () => {
    // Not gzip: refused by the unpacker that also stops archives past its bounds (ChartArchiveError).
    const head = createMemorySnapshot({
      "charts/web/Chart.yaml": "apiVersion: v2\nname: web\nversion: 1.0.0\n",
      "charts/web/charts/sub-1.0.0.tgz": new Uint8Array(64).fill(7),
    });
    const local: ChartNeed = {
      id: "head:web",
      side: "head",
      location: { type: "repository", path: "charts/web" },
    };
    const supply = await supplyCharts([local], {
      fetcher: failing("network"),
      snapshots: { ...snapshots, head },
    });
    expect(supply.get(local.id)).toMatchObject({ limit: true });
  });
});
