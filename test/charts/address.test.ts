/**
 * Where the chart fetcher may connect (src/charts/address.ts, http.ts): https only, public addresses
 * only — checked for every address a name resolves to, for literal IPs in any spelling, for every redirect
 * hop and for a registry's token realm — and connections pinned to the addresses checked. The network is
 * a stub (`fetch`) and DNS a table (`resolveHost`), except where a loopback server proves the pinning.
 */
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { createHostGuard } from "../../src/charts/address.ts";
import { createChartFetcher, refusedAddress, refusedHostname } from "../../src/charts/index.ts";
import { failureOf, tableFetch } from "../support/charts/failure.ts";
import { chartArchive } from "../support/helm-repo/chart-archive.ts";
import { helmIndex, startHelmRepo } from "../support/helm-repo/server.ts";

const PUBLIC = "93.184.215.14";
const REPO = "https://charts.example.com";

const REFUSED = [
  ["10.0.0.1", "private 10/8"],
  ["10.255.255.254", "private 10/8"],
  ["172.16.0.1", "private 172.16/12"],
  ["172.31.255.254", "private 172.16/12"],
  ["192.168.1.1", "private 192.168/16"],
  ["100.64.0.1", "CGNAT 100.64/10"],
  ["100.127.255.254", "CGNAT 100.64/10"],
  ["100.100.100.200", "Alibaba Cloud metadata (CGNAT)"],
  ["127.0.0.1", "loopback"],
  ["127.1.2.3", "loopback 127/8"],
  ["0.0.0.0", "unspecified"],
  ["0.1.2.3", "0/8"],
  ["169.254.0.1", "link-local"],
  ["169.254.169.254", "cloud metadata"],
  ["192.0.0.192", "Oracle Cloud metadata (IETF protocol assignments)"],
  ["224.0.0.1", "multicast"],
  ["239.255.255.250", "multicast"],
  ["255.255.255.255", "broadcast"],
  ["198.18.0.1", "benchmarking 198.18/15"],
  ["198.19.255.254", "benchmarking 198.18/15"],
  ["192.0.2.1", "documentation"],
  ["240.0.0.1", "reserved 240/4"],
  ["::1", "IPv6 loopback"],
  ["::", "IPv6 unspecified"],
  ["fc00::1", "unique-local fc00::/7"],
  ["fd00:ec2::254", "AWS metadata over IPv6 (unique-local)"],
  ["fe80::1", "IPv6 link-local"],
  ["febf::1", "IPv6 link-local fe80::/10"],
  ["fec0::1", "deprecated site-local"],
  ["ff02::1", "IPv6 multicast"],
  ["::ffff:10.0.0.1", "IPv4-mapped private"],
  ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
  ["::ffff:169.254.169.254", "IPv4-mapped metadata"],
  ["::ffff:a9fe:a9fe", "IPv4-mapped metadata, hex"],
  ["64:ff9b::a9fe:a9fe", "NAT64 of the metadata address"],
  ["::a9fe:a9fe", "IPv4-compatible (deprecated ::/96)"],
  ["2002:a9fe:a9fe::1", "6to4 of the metadata address"],
  ["2001:db8::1", "IPv6 documentation"],
  ["100::1", "IPv6 discard"],
] as const;

const ALLOWED = [
  "8.8.8.8",
  PUBLIC,
  "172.32.0.1",
  "100.128.0.1",
  "11.0.0.1",
  "2606:4700:4700::1111",
  "::ffff:8.8.8.8",
  "64:ff9b::808:808",
];

/** A repository on charts.example.com whose index names one chart at `chartUrl`. */
async function repository(chartUrl: string) {
  const archive = await chartArchive({ name: "demo", version: "1.0.0" });
  const digest = createHash("sha256").update(archive).digest("hex");
  return {
    archive,
    index: helmIndex({ demo: [{ version: "1.0.0", urls: [chartUrl], digest }] }),
  };
}

const source = (url = REPO) => ({ type: "helm" as const, url, chart: "demo", version: "1.0.0" });

describe("the address rules", () => {
  it.each(REFUSED)("refuses %s (%s)", (address) => {
    expect(refusedAddress(address)).toBeDefined();
  });

  it.each(ALLOWED)("allows the public address %s", (address) => {
    expect(refusedAddress(address)).toBeUndefined();
  });

  it("the test setting lets 127.0.0.1 and ::1 through, nothing else", () => {
    expect(refusedAddress("127.0.0.1", true)).toBeUndefined();
    expect(refusedAddress("::1", true)).toBeUndefined();
    expect(refusedAddress("10.0.0.1", true)).toBeDefined();
    expect(refusedAddress("169.254.169.254", true)).toBeDefined();
  });

  it.each([
    "localhost",
    "api.localhost",
    "metadata.google.internal",
    "instance-data.ec2.internal",
    "printer.local",
    "nas.home.arpa",
    "metadata",
  ])("refuses the local host name %s", (name) => {
    expect(refusedHostname(name)).toBeDefined();
  });

  it("allows ordinary public names", () => {
    expect(refusedHostname("charts.example.com")).toBeUndefined();
    expect(refusedHostname("ghcr.io")).toBeUndefined();
  });
});

describe("the fetcher refuses before connecting", () => {
  it.each(REFUSED)("a host resolving to %s (%s)", async (address) => {
    const net = tableFetch({});
    const fetcher = createChartFetcher({ fetch: net.fetch, resolveHost: async () => [address] });
    const failure = await failureOf(fetcher.fetchChart(source()));
    expect(failure.reason).toBe("refused-address");
    expect(failure.message).toContain(address);
    expect(net.calls).toEqual([]);
  });

  it.each([
    "https://169.254.169.254/charts",
    "https://[::ffff:169.254.169.254]/charts",
    "https://[fd00:ec2::254]/charts",
    "https://2852039166/charts", // 169.254.169.254 as one decimal number
    "https://0x7f.1/charts", // 127.0.0.1
    "https://10.1.2.3/charts",
  ])("a literal-IP URL: %s", async (url) => {
    const net = tableFetch({});
    let resolved = 0;
    const fetcher = createChartFetcher({
      fetch: net.fetch,
      resolveHost: async () => {
        resolved++;
        return [PUBLIC];
      },
    });
    expect((await failureOf(fetcher.fetchChart(source(url)))).reason).toBe("refused-address");
    expect(net.calls).toEqual([]);
    expect(resolved).toBe(0);
  });

  it.each(["https://metadata.google.internal/charts", "https://localhost/charts", "https://metadata/charts"])(
    "a local host name, without resolving it: %s",
    async (url) => {
      const net = tableFetch({});
      let resolved = 0;
      const fetcher = createChartFetcher({
        fetch: net.fetch,
        resolveHost: async () => {
          resolved++;
          return [PUBLIC];
        },
      });
      expect((await failureOf(fetcher.fetchChart(source(url)))).reason).toBe("refused-address");
      expect(resolved).toBe(0);
      expect(net.calls).toEqual([]);
    },
  );

  it("a DNS answer mixing public and private addresses", async () => {
    const net = tableFetch({});
    const fetcher = createChartFetcher({ fetch: net.fetch, resolveHost: async () => [PUBLIC, "10.0.0.5"] });
    const failure = await failureOf(fetcher.fetchChart(source()));
    expect(failure.reason).toBe("refused-address");
    expect(failure.message).toContain("10.0.0.5");
    expect(net.calls).toEqual([]);
  });

  it("http:// without the test setting, and with it to anything but loopback", async () => {
    const net = tableFetch({});
    const strict = createChartFetcher({ fetch: net.fetch, resolveHost: async () => [PUBLIC] });
    expect((await failureOf(strict.fetchChart(source("http://charts.example.com")))).reason).toBe(
      "not-https",
    );
    expect((await failureOf(strict.fetchChart(source("http://127.0.0.1:8080")))).reason).toBe("not-https");
    const test = createChartFetcher({
      fetch: net.fetch,
      resolveHost: async () => [PUBLIC],
      allowPlainHttpLoopback: true,
    });
    expect((await failureOf(test.fetchChart(source("http://charts.example.com")))).reason).toBe("not-https");
    const testPrivate = createChartFetcher({
      fetch: net.fetch,
      resolveHost: async () => ["10.0.0.1"],
      allowPlainHttpLoopback: true,
    });
    expect(await failureOf(testPrivate.fetchChart(source())).then((f) => f.reason)).toBe("refused-address");
    expect(net.calls).toEqual([]);
  });

  it("other schemes, credentials in the URL (never shown), and names that do not resolve", async () => {
    const net = tableFetch({});
    const fetcher = createChartFetcher({ fetch: net.fetch, resolveHost: async () => [PUBLIC] });
    expect((await failureOf(fetcher.fetchChart(source("ftp://charts.example.com")))).reason).toBe(
      "not-https",
    );
    expect((await failureOf(fetcher.fetchChart(source("file:///etc/passwd")))).reason).toBe("not-https");
    const withCredentials = await failureOf(
      fetcher.fetchChart(source("https://user:hunter2@charts.example.com")),
    );
    expect(withCredentials.reason).toBe("bad-url");
    expect(withCredentials.message).not.toContain("hunter2");
    expect((await failureOf(fetcher.fetchChart(source("not a url")))).reason).toBe("bad-url");

    const nxdomain = createChartFetcher({
      fetch: net.fetch,
      resolveHost: async () => {
        throw Object.assign(new Error("getaddrinfo ENOTFOUND"), { code: "ENOTFOUND" });
      },
    });
    expect((await failureOf(nxdomain.fetchChart(source()))).reason).toBe("unresolvable");
    const empty = createChartFetcher({ fetch: net.fetch, resolveHost: async () => [] });
    expect((await failureOf(empty.fetchChart(source()))).reason).toBe("unresolvable");
    expect(net.calls).toEqual([]);
  });
});

describe("redirects", () => {
  const hosts: Record<string, string[]> = {
    "charts.example.com": [PUBLIC],
    "cdn.example.net": ["8.8.4.4"],
    "evil.example.org": ["169.254.169.254"],
  };
  const resolveHost = async (name: string) => hosts[name] ?? [];

  it("follows a redirect to another public host, sending nothing but Accept", async () => {
    const { archive, index } = await repository("https://charts.example.com/demo-1.0.0.tgz");
    const net = tableFetch({
      [`${REPO}/index.yaml`]: () => new Response(index),
      [`${REPO}/demo-1.0.0.tgz`]: () =>
        new Response(null, { status: 302, headers: { location: "https://cdn.example.net/blob?sig=s3cr3t" } }),
      "https://cdn.example.net/blob?sig=s3cr3t": () => new Response(archive),
    });
    const chart = await createChartFetcher({ fetch: net.fetch, resolveHost }).fetchChart(source());
    expect(chart.bytes).toEqual(archive);
    expect(net.calls.map((c) => c.url)).toEqual([
      `${REPO}/index.yaml`,
      `${REPO}/demo-1.0.0.tgz`,
      "https://cdn.example.net/blob?sig=s3cr3t",
    ]);
    for (const call of net.calls) expect([...call.headers.keys()]).toEqual(["accept"]);
  });

  it.each([
    ["https://169.254.169.254/latest/meta-data/iam/security-credentials/?token=abc", "refused-address"],
    ["https://[::ffff:169.254.169.254]/latest/meta-data/?token=abc", "refused-address"],
    ["https://evil.example.org/latest/meta-data/?token=abc", "refused-address"],
    ["http://cdn.example.net/latest/meta-data/?token=abc", "not-https"],
  ])("refuses a redirect from a public host to %s", async (location, reason) => {
    const { index } = await repository("https://charts.example.com/demo-1.0.0.tgz");
    const net = tableFetch({
      [`${REPO}/index.yaml`]: () => new Response(index),
      [`${REPO}/demo-1.0.0.tgz`]: () => new Response(null, { status: 307, headers: { location } }),
    });
    const failure = await failureOf(
      createChartFetcher({ fetch: net.fetch, resolveHost }).fetchChart(source()),
    );
    expect(failure.reason).toBe(reason);
    // A redirect's path and query (often a signed token) are never shown.
    expect(failure.message).not.toContain("meta-data");
    expect(failure.message).not.toContain("token=abc");
    expect(net.calls.map((c) => c.url)).toEqual([`${REPO}/index.yaml`, `${REPO}/demo-1.0.0.tgz`]);
  });

  it("gives up after 5 redirects", async () => {
    const { index } = await repository("https://charts.example.com/r0");
    const routes: Record<string, () => Response> = { [`${REPO}/index.yaml`]: () => new Response(index) };
    for (let i = 0; i < 10; i++)
      routes[`${REPO}/r${i}`] = () =>
        new Response(null, { status: 302, headers: { location: `/r${i + 1}` } });
    const net = tableFetch(routes);
    const failure = await failureOf(
      createChartFetcher({ fetch: net.fetch, resolveHost }).fetchChart(source()),
    );
    expect(failure.reason).toBe("bad-response");
    expect(net.calls.length).toBe(1 + 6);
  });
});

describe("an OCI registry's token realm is checked like any URL", () => {
  const oci = {
    type: "oci" as const,
    url: "oci://registry.example.com/charts",
    chart: "demo",
    version: "1.0.0",
  };
  const manifestUrl = "https://registry.example.com/v2/charts/demo/manifests/1.0.0";
  const challenge = (realm: string) => () =>
    new Response(null, {
      status: 401,
      headers: {
        "www-authenticate": `Bearer realm="${realm}",service="registry",scope="repository:charts/demo:pull"`,
      },
    });

  it.each([
    ["https://169.254.169.254/token", "refused-address"],
    ["https://metadata.google.internal/token", "refused-address"],
    ["http://auth.example.com/token", "not-https"],
  ])("refuses the realm %s", async (realm, reason) => {
    const net = tableFetch({ [manifestUrl]: challenge(realm) });
    const fetcher = createChartFetcher({ fetch: net.fetch, resolveHost: async () => [PUBLIC] });
    expect((await failureOf(fetcher.fetchChart(oci))).reason).toBe(reason);
    expect(net.calls.map((c) => c.url)).toEqual([manifestUrl]);
  });

  it("asks for credentials the fetcher never has: a Basic challenge is not found, nothing sent", async () => {
    const net = tableFetch({
      [manifestUrl]: () =>
        new Response(null, { status: 401, headers: { "www-authenticate": 'Basic realm="r"' } }),
    });
    const fetcher = createChartFetcher({ fetch: net.fetch, resolveHost: async () => [PUBLIC] });
    expect((await failureOf(fetcher.fetchChart(oci))).reason).toBe("not-found");
    expect(net.calls.length).toBe(1);
    expect(net.calls[0]?.headers.get("authorization")).toBeNull();
  });
});

describe("connections are pinned to the checked addresses", () => {
  it("connects to the address resolveHost gave, not to what the system resolver says", async () => {
    // charts.test resolves nowhere but in the stub: fetching succeeds only because the connection uses
    // the address the guard checked and pinned.
    const archive = await chartArchive({ name: "demo", version: "1.0.0" });
    const repo = await startHelmRepo({
      "/index.yaml": { body: helmIndex({ demo: [{ version: "1.0.0", urls: ["demo.tgz"] }] }) },
      "/demo.tgz": { body: archive },
    });
    const answers: string[] = [];
    const fetcher = createChartFetcher({
      allowPlainHttpLoopback: true,
      resolveHost: async (name) => {
        answers.push(name);
        return ["127.0.0.1"];
      },
    });
    try {
      const port = new URL(repo.origin).port;
      const chart = await fetcher.fetchChart(source(`http://charts.test:${port}`));
      expect(chart.bytes).toEqual(archive);
      // One resolution per request, by the guard: the connection never resolved again.
      expect(answers).toEqual(["charts.test", "charts.test"]);
      expect(repo.requests.map((r) => r.headers.host)).toEqual([
        `charts.test:${port}`,
        `charts.test:${port}`,
      ]);
    } finally {
      await fetcher.close();
      await repo.close();
    }
  });

  it("the agent's lookup refuses a host the guard did not check", async () => {
    const guard = createHostGuard({ resolveHost: async () => [PUBLIC] });
    const unchecked = await new Promise<Error | null>((resolve) =>
      guard.lookup("unchecked.example.com", { all: true }, (error) => resolve(error)),
    );
    expect(unchecked?.message).toContain("not checked");
    await guard.check(new URL("https://checked.example.com/"));
    const pinned = await new Promise<unknown>((resolve) =>
      guard.lookup("checked.example.com", { all: true }, (_error, addresses) => resolve(addresses)),
    );
    expect(pinned).toEqual([{ address: PUBLIC, family: 4 }]);
  });
});
