/**
 * One JSON line per event for the operator (Netlify's function log). Fields are chosen by the caller —
 * delivery id, event, status, timings — never a payload, a header or a token; strings are bounded and any
 * credential-looking value masked as a last line of defence.
 */
export interface Logger {
  info(fields: Record<string, unknown>): void;
  warn(fields: Record<string, unknown>): void;
}

const TOKEN = /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|v1\.[0-9a-f]{40})\b/g;

function safe(value: unknown): unknown {
  if (typeof value === "string") return value.replace(TOKEN, "[redacted]").slice(0, 500);
  return value;
}

export function jsonLogger(write: (line: string) => void = (l) => console.log(l)): Logger {
  const emit = (level: string, fields: Record<string, unknown>) =>
    write(
      JSON.stringify({ level, ...Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, safe(v)])) }),
    );
  return { info: (f) => emit("info", f), warn: (f) => emit("warn", f) };
}

export const silentLogger: Logger = { info: () => {}, warn: () => {} };
