import { defineConfig } from "vitest/config";

const exclude = ["test/shared/**", "node_modules/**"];
/** Tests that intercept HTTP (nock, the GitHub double): each file in a fresh module graph. */
const intercepting = ["test/github/**/*.test.ts", "test/runtime/**/*.test.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        // Pure tests share their worker's module graph: importing the engine once per worker instead of
        // once per file halves `npm test` on 2 cores.
        extends: true,
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: [...exclude, ...intercepting],
          isolate: false,
        },
      },
      { extends: true, test: { name: "http", include: intercepting, exclude } },
    ],
  },
});
