import { describe, expect, it } from "vitest";
import { configNote } from "../../src/github/jobs.ts";

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
