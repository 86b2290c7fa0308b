/** The CLI run in-process (`runCli`), its exit code and what it wrote to stdout and stderr. */
import { runCli } from "../../../src/cli/main.ts";

export async function runCliCaptured(
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runCli(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}
