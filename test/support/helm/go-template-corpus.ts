/**
 * Go's own text/template tables (`../shared/corpus/helm/go-text-template/exec_tests.json`: Go's execTests,
 * cmpTests and TestMissingMapKey, extracted as data) run against the TypeScript engine: each usable case
 * parsed, executed on its data with the test's functions, and its output compared byte for byte. Go's
 * typed data is rebuilt as GoValues: integers as bigint, float64 literals as numbers, and the typed maps of
 * the test struct (`map[string]int`) with their zero element.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { type GoFunction, type GoValue, TemplateSet, ZERO } from "../../../src/core/helm/index.ts";
import { toGo } from "./go-data.ts";

interface ExecCase {
  name: string;
  template: string;
  expected: string;
  wantError: boolean;
  usableWithoutGo: boolean;
  data?: { kind: "nil" | "ref" | "json" | "go"; value?: unknown; goType?: string };
}

export interface CaseResult {
  name: string;
  ok: boolean;
  detail?: string;
}

export interface GoTemplateResults {
  exec: CaseResult[];
  cmp: CaseResult[];
  missingKey: CaseResult[];
}

const wrongType = (): never => {
  throw new Error("wrong type for value");
};

/** The functions exec_test.go installs, with their Go parameter types checked. */
const TEST_FUNCS: Record<string, GoFunction> = {
  add: (...a) => a.reduce<bigint>((s, x) => s + (typeof x === "bigint" ? x : wrongType()), 0n),
  echo: (a) => a ?? null,
  makemap: (...a) => {
    const m: Record<string, GoValue> = {};
    for (let i = 0; i < a.length; i += 2)
      m[typeof a[i] === "string" ? (a[i] as string) : wrongType()] = a[i + 1]!;
    return m;
  },
  mapOfThree: () => ({ three: 3n }),
  oneArg: (a) => (typeof a === "string" ? `oneArg=${a}` : wrongType()),
  returnInt: () => 7n,
  twoArgs: (a, b) => (typeof a === "string" && typeof b === "string" ? `twoArgs=${a}${b}` : wrongType()),
  zeroArgs: () => "zeroArgs",
  valueString: (v) => (typeof v === "string" ? "value is ignored" : wrongType()),
  dddArg: (a, ...b) =>
    typeof a === "bigint" && b.every((x) => typeof x === "string") ? `${a} [${b.join(" ")}]\n` : wrongType(),
  die: () => {
    throw new Error("die");
  },
};

function run(template: string, data: GoValue, options: ConstructorParameters<typeof TemplateSet>[0] = {}) {
  try {
    const set = new TemplateSet({ funcs: TEST_FUNCS, ...options }).parse("t", template);
    return { out: set.execute("t", data) };
  } catch (error) {
    return { out: (error as { output?: string }).output ?? "", error: error as Error };
  }
}

export function runGoTemplateCorpus(sharedDir: string): GoTemplateResults {
  const d = JSON.parse(
    readFileSync(join(sharedDir, "corpus", "helm", "go-text-template", "exec_tests.json"), "utf8"),
  );
  const tVal = toGo(d.tVal.fields) as Record<string, GoValue> & { SMSI: Array<Record<string, GoValue>> };
  // map[string]int fields: a missing key indexes as 0.
  for (const k of ["MSI", "MSIone", "MSIEmpty", "MXI"]) (tVal[k] as { [ZERO]?: GoValue })[ZERO] = 0n;
  for (const m of tVal.SMSI) (m as { [ZERO]?: GoValue })[ZERO] = 0n;
  const judge = (
    name: string,
    expected: string,
    wantError: boolean,
    r: { out: string; error?: Error },
  ): CaseResult => {
    const ok = wantError
      ? r.error !== undefined && r.out === expected
      : r.error === undefined && r.out === expected;
    return ok
      ? { name, ok }
      : {
          name,
          ok,
          detail: `want ${JSON.stringify(expected)}${wantError ? " and an error" : ""}, got ${JSON.stringify(r.out)}${r.error ? ` (${r.error.message})` : ""}`,
        };
  };
  const exec = (d.execTests as ExecCase[])
    .filter((c) => c.usableWithoutGo)
    .map((c) => {
      const data =
        c.data?.kind === "ref" ? tVal : c.data?.kind === "json" ? toGo(c.data.value, c.data.goType) : null;
      return judge(c.name, c.expected, c.wantError, run(c.template, data));
    });
  const cmpData = toGo(d.cmpStruct.fields);
  const cmp = (
    d.cmpTests as Array<{
      expr: string;
      template: string;
      expected: string;
      wantError: boolean;
      usableWithoutGo: boolean;
    }>
  )
    .filter((c) => c.usableWithoutGo)
    .map((c) => judge(c.expr, c.wantError ? "" : c.expected, c.wantError, run(c.template, cmpData)));
  const mk = d.missingKeyTests as {
    template: string;
    data: unknown;
    cases: Array<{ option: string | null; expected: string | null; wantError: boolean; data?: unknown }>;
  };
  const missingKey = mk.cases.map((c, i) => {
    const data = "data" in c ? toGo(c.data) : { ...(toGo(mk.data) as object), [ZERO]: 0n };
    const option = c.option?.split("=")[1] as "default" | "zero" | "error" | undefined;
    const r = run(mk.template, data as GoValue, option ? { missingKey: option } : {});
    return c.wantError
      ? { name: `${c.option} #${i}`, ok: r.error !== undefined, ...(r.error ? {} : { detail: "no error" }) }
      : judge(`${c.option} #${i}`, c.expected ?? "", false, r);
  });
  return { exec, cmp, missingKey };
}
