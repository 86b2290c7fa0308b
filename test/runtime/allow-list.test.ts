import { describe, expect, it } from "vitest";
import { parseRepositories, served } from "../../src/runtime/allow-list.ts";
import { EnvError, parseEnv } from "../../src/runtime/env.ts";

describe("runtime/allow-list", () => {
  it("parses owner/repo and owner/* entries, comma-separated, case-insensitive; unset or blank: every repository", () => {
    expect(parseRepositories(undefined)).toBeUndefined();
    expect(parseRepositories(" , ")).toBeUndefined();
    const list = parseRepositories(" Home-Org/Home-Ops, other/*,home-org/home-ops, me/.github ");
    expect(list).toEqual(["home-org/home-ops", "other/*", "me/.github"]);
    expect(served(list, "HOME-ORG/home-ops")).toBe(true);
    expect(served(list, "home-org/other")).toBe(false);
    expect(served(list, "Other/anything")).toBe(true);
    expect(served(list, "other-org/anything")).toBe(false);
    expect(served(list, undefined)).toBe(false);
    expect(served(list, "no-slash")).toBe(false);
    expect(served(undefined, "anyone/anything")).toBe(true);
    expect(served([], "anyone/anything")).toBe(false);
  });

  it.each(["home-ops", "*/*", "a/b/c", "a/", "/b", "own er/repo", "a/..", "*"])(
    "refuses the entry %j, naming it",
    (entry) => {
      expect(() => parseRepositories(`ok/repo,${entry}`)).toThrow(JSON.stringify(entry.toLowerCase()));
    },
  );

  it("is validated with the rest of the environment", () => {
    const env = { APP_ID: "1", PRIVATE_KEY: "k", WEBHOOK_SECRET: "secret-1234" };
    expect(() => parseEnv({ ...env, FLUX_IMPACT_REPOSITORIES: "home-org/home-ops,org/*" })).not.toThrow();
    expect(() => parseEnv({ ...env, FLUX_IMPACT_REPOSITORIES: "home-ops" })).toThrow(EnvError);
    expect(() => parseEnv({ ...env, FLUX_IMPACT_REPOSITORIES: "home-ops" })).toThrow(
      /FLUX_IMPACT_REPOSITORIES must list/,
    );
  });
});
