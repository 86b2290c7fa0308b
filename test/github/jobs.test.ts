import { describe, expect, it } from "vitest";
import { CountingClient, configNote } from "../../src/github/jobs.ts";

describe("github/jobs configNote", () => {
  it("escapes configuration values before they reach a check run", () => {
    const note = configNote([
      { message: 'comment: must be one of always, affected, never (got "@admins [x](https://e.vil)")' },
    ]);

    expect(note).toContain("`.github/flux-impact.yml` is invalid");
    expect(note).not.toMatch(/(^|[^\\])@admins/);
    expect(note).not.toContain("](https://e.vil)");
    expect(configNote([])).toBe("");
  });
});

describe("github/jobs CountingClient", () => {
  it("after a 401 gets a new installation token once and tries again; a second 401 is final", async () => {
    const calls: string[] = [];
    let fail = 1;
    const client = {
      async request(route: string) {
        calls.push(route);
        if (fail-- > 0) throw Object.assign(new Error("Bad credentials"), { status: 401 });
        return { data: "ok", status: 200 };
      },
      graphql: async <T>() => ({}) as T,
      auth: async (o: { refresh: true }) => {
        calls.push(`auth refresh=${o.refresh}`);
      },
    };
    const gh = new CountingClient(client);
    expect((await gh.request("GET /x", {})).data).toBe("ok");
    expect(calls).toEqual(["GET /x", "auth refresh=true", "GET /x"]);
    expect(gh.count).toBe(2);
    fail = 5;
    await expect(gh.request("GET /y", {})).rejects.toMatchObject({ status: 401 });
  });
});
