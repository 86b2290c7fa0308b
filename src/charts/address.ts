/**
 * Where a chart request may connect (SSRF). Chart URLs come from the pull request, so a request goes
 * only to a public address over https: the host is resolved first, and the request is refused when the
 * name is a local one or when any address it resolves to is not public unicast (loopback, private,
 * carrier-grade NAT, link-local — the cloud metadata services at 169.254.169.254 and fd00:ec2::254 —,
 * unique-local, multicast, benchmarking, documentation and other reserved ranges, and the IPv6 forms that
 * embed such an IPv4 address). The classification is ipaddr.js's (`range()`), allowing only `unicast`.
 *
 * The addresses checked are the ones connected to: the guard pins them (`lookup`, given to the HTTP
 * agent), so a DNS answer that changes between the check and the connection (rebinding) is never used.
 */

import type { LookupAddress, LookupOptions } from "node:dns";
import { lookup as dnsLookup } from "node:dns/promises";
import { isIP } from "node:net";
import ipaddr from "ipaddr.js";
import { ChartFetchError, displayUrl } from "./errors.ts";

export type ResolveHost = (hostname: string) => Promise<string[]>;

/** node:dns's lookup, every address (what a connection would try). */
export const systemResolveHost: ResolveHost = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * Names that are local by definition (RFC 6761, 6762, 8375, ICANN's `.internal`), whatever they resolve
 * to: `localhost`, mDNS, home networks, cloud-internal names such as `metadata.google.internal`.
 */
const LOCAL_SUFFIXES = [".localhost", ".local", ".internal", ".localdomain", ".home.arpa", ".intranet"];

/** Why `hostname` (lower case, no trailing dot) is refused before resolving it, if it is. */
export function refusedHostname(hostname: string): string | undefined {
  if (isIP(hostname)) return undefined;
  if (hostname === "localhost" || LOCAL_SUFFIXES.some((s) => hostname.endsWith(s)))
    return "a local host name";
  // A single label resolves through the search domains: an internal host (`metadata`, `registry`).
  if (!hostname.includes(".")) return "a single-label host name";
  return undefined;
}

const TEST_LOOPBACK = new Set(["127.0.0.1", "::1"]);

/**
 * Why `address` (an IP literal) may not be connected to, if it may not. `allowLoopback` (tests only)
 * lets 127.0.0.1 and ::1 through.
 */
export function refusedAddress(address: string, allowLoopback = false): string | undefined {
  let ip: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    ip = ipaddr.parse(address);
  } catch {
    return "not an IP address";
  }
  if (allowLoopback && TEST_LOOPBACK.has(ip.toString())) return undefined;
  if (ip.kind() === "ipv6") {
    const v6 = ip as ipaddr.IPv6;
    const range = v6.range();
    // An IPv4 address in IPv6 clothing is judged as that IPv4 address.
    if (range === "ipv4Mapped") return refusedAddress(v6.toIPv4Address().toString(), allowLoopback);
    // NAT64 (64:ff9b::/96, RFC 6052): what DNS64 answers on an IPv6-only network for a public IPv4 host.
    if (range === "rfc6052") {
      const p = v6.parts;
      const v4 = new ipaddr.IPv4([(p[6] ?? 0) >> 8, (p[6] ?? 0) & 255, (p[7] ?? 0) >> 8, (p[7] ?? 0) & 255]);
      return refusedAddress(v4.toString(), false);
    }
    if (range !== "unicast") return `a ${range} address`;
    // Only 2000::/3 is allocated for global unicast; the rest of what ipaddr.js calls unicast (::/8 with
    // the deprecated IPv4-compatible ::a.b.c.d, 64:ff9b:1::/48 local NAT64, …) is reserved.
    if (!v6.match(ipaddr.IPv6.parse("2000::"), 3)) return "a reserved address";
    return undefined;
  }
  const range = (ip as ipaddr.IPv4).range();
  return range === "unicast" ? undefined : `a ${range} address`;
}

export interface HostGuardOptions {
  resolveHost?: ResolveHost;
  /** Tests only: plain http and 127.0.0.1/::1 are allowed (for servers the test starts on loopback). */
  allowPlainHttpLoopback?: boolean;
}

export interface HostGuard {
  /**
   * Checks `url` (scheme, user info, host name, every address it resolves to) and pins the host to those
   * addresses for the connection. Throws a ChartFetchError saying why it is refused. `redirect`: the URL
   * came from a redirect, so only its origin is shown in an error (its path may carry a signed token).
   */
  check(url: URL, redirect?: boolean): Promise<void>;
  /** A `dns.lookup` replacement for the HTTP agent: the addresses `check` pinned, and nothing else. */
  lookup: (
    hostname: string,
    options: LookupOptions,
    callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
  ) => void;
}

/** A URL's host name as a resolver takes it: lower case, without IPv6 brackets or a trailing dot. */
export function bareHostname(url: URL): string {
  return url.hostname
    .toLowerCase()
    .replace(/^\[(.*)\]$/, "$1")
    .replace(/\.$/, "");
}

export function createHostGuard(options: HostGuardOptions = {}): HostGuard {
  const resolveHost = options.resolveHost ?? systemResolveHost;
  const test = options.allowPlainHttpLoopback === true;
  /** Host name → the addresses last checked for it. Every entry was checked; a connection uses one. */
  const pins = new Map<string, string[]>();

  return {
    async check(url, redirect = false) {
      const shown = redirect ? `${url.protocol}//${url.host}` : displayUrl(url);
      if (url.protocol !== "https:" && !(test && url.protocol === "http:"))
        throw new ChartFetchError("not-https", `refused ${shown}: only https URLs are fetched`);
      if (url.username !== "" || url.password !== "")
        throw new ChartFetchError("bad-url", `refused ${shown}: credentials in a URL are never sent`);
      const host = bareHostname(url);
      const named = refusedHostname(host);
      if (named)
        throw new ChartFetchError("refused-address", `refused ${shown}: ${url.hostname} is ${named}`);
      let addresses: string[];
      if (isIP(host)) addresses = [host];
      else {
        try {
          addresses = await resolveHost(host);
        } catch {
          throw new ChartFetchError("unresolvable", `${url.hostname} does not resolve (${shown})`);
        }
        if (addresses.length === 0)
          throw new ChartFetchError("unresolvable", `${url.hostname} does not resolve (${shown})`);
      }
      for (const address of addresses) {
        const why = refusedAddress(address, test);
        if (why)
          throw new ChartFetchError(
            "refused-address",
            `refused ${shown}: ${url.hostname} resolves to ${address}, ${why}`,
          );
      }
      // Plain http only to the test's own loopback servers.
      if (
        url.protocol === "http:" &&
        !addresses.every((a) => TEST_LOOPBACK.has(ipaddr.process(a).toString()))
      )
        throw new ChartFetchError("not-https", `refused ${shown}: only https URLs are fetched`);
      if (!isIP(host)) pins.set(host, addresses);
    },

    lookup(hostname, lookupOptions, callback) {
      const host = hostname.toLowerCase().replace(/\.$/, "");
      const asked = lookupOptions.family;
      const family = asked === 4 || asked === "IPv4" ? 4 : asked === 6 || asked === "IPv6" ? 6 : 0;
      const pinned = (pins.get(host) ?? [])
        .map((address) => ({ address, family: isIP(address) }))
        .filter((a) => family === 0 || a.family === family);
      const first = pinned[0];
      if (!first) {
        callback(new ChartFetchError("refused-address", `refused a connection to ${host}: not checked`), "");
        return;
      }
      if (lookupOptions.all) callback(null, pinned);
      else callback(null, first.address, first.family);
    },
  };
}
