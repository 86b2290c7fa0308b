/**
 * An egress and exec guard for the duration of one synchronous piece of work: `fetch`, every socket
 * connect (`net.Socket.prototype.connect`, which http, https, tls and net all go through), DNS lookups and
 * every child_process launcher are replaced by recorders that refuse. The guard proves it is armed by
 * catching its own probes before the work runs, and is always removed afterwards.
 */
import childProcess from "node:child_process";
import dns from "node:dns";
import { syncBuiltinESMExports } from "node:module";
import net from "node:net";

export interface GuardReport<T> {
  value: T;
  /** Outbound connection attempts the work made (fetch, socket connect, DNS). */
  connections: string[];
  /** Processes the work tried to start. */
  processes: string[];
  /** True when the guard caught its own fetch, socket and spawn probes before the work ran. */
  armed: boolean;
}

const LAUNCHERS = ["spawn", "spawnSync", "exec", "execSync", "execFile", "execFileSync", "fork"] as const;

function describeTarget(args: readonly unknown[]): string {
  const first = args[0];
  if (typeof first === "string" || typeof first === "number") return String(first);
  if (Array.isArray(first)) return describeTarget(first);
  if (first && typeof first === "object") {
    const o = first as { host?: unknown; port?: unknown; path?: unknown; href?: unknown; url?: unknown };
    if (typeof o.href === "string") return o.href;
    if (typeof o.url === "string") return o.url;
    if (o.path !== undefined) return String(o.path);
    return `${String(o.host ?? "localhost")}:${String(o.port ?? "?")}`;
  }
  return "?";
}

export function withEgressGuard<T>(work: () => T): GuardReport<T> {
  const connections: string[] = [];
  const processes: string[] = [];
  const refuse = (kind: string, into: string[], target: string): never => {
    into.push(`${kind} ${target}`);
    throw new Error(`egress guard: ${kind} ${target} refused`);
  };

  const originalFetch = globalThis.fetch;
  const originalConnect = net.Socket.prototype.connect;
  const originalLookup = dns.lookup;
  const originalPromisesLookup = dns.promises.lookup;
  const cp = childProcess as unknown as Record<string, unknown>;
  const originalLaunchers = LAUNCHERS.map((name) => [name, cp[name]] as const);

  globalThis.fetch = ((input: unknown) => {
    const target =
      input instanceof URL ? input.href : typeof input === "string" ? input : describeTarget([input]);
    connections.push(`fetch ${target}`);
    return Promise.reject(new Error(`egress guard: fetch ${target} refused`));
  }) as typeof fetch;
  net.Socket.prototype.connect = function guardedConnect(...args: unknown[]) {
    return refuse("connect", connections, describeTarget(args));
  } as typeof net.Socket.prototype.connect;
  dns.lookup = ((hostname: string) => refuse("dns", connections, hostname)) as unknown as typeof dns.lookup;
  dns.promises.lookup = ((hostname: string) =>
    refuse("dns", connections, hostname)) as unknown as typeof dns.promises.lookup;
  for (const name of LAUNCHERS)
    cp[name] = (...args: unknown[]) => refuse(name, processes, describeTarget(args));
  syncBuiltinESMExports();

  try {
    const armed = selfTest(connections, processes);
    connections.length = 0;
    processes.length = 0;
    const value = work();
    return { value, connections: [...connections], processes: [...processes], armed };
  } finally {
    globalThis.fetch = originalFetch;
    net.Socket.prototype.connect = originalConnect;
    dns.lookup = originalLookup;
    dns.promises.lookup = originalPromisesLookup;
    for (const [name, fn] of originalLaunchers) cp[name] = fn;
    syncBuiltinESMExports();
  }
}

/** The guard catches a fetch, a socket connect, a DNS lookup and a spawn. */
function selfTest(connections: string[], processes: string[]): boolean {
  const attempt = (fn: () => unknown) => {
    try {
      fn();
    } catch {
      // refused, as intended
    }
  };
  attempt(() => new net.Socket().connect({ host: "169.254.169.254", port: 80 }));
  attempt(() => dns.lookup("metadata.google.internal", () => undefined));
  attempt(() => childProcess.spawnSync("true"));
  const fetched = globalThis.fetch("http://169.254.169.254/latest/meta-data");
  fetched.catch(() => undefined);
  return connections.length === 3 && processes.length === 1;
}
