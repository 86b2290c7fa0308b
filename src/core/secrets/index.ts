/**
 * The engine's secrets entry point: the secret scan of a revision's files and redaction of rendered
 * objects. The analysis runs the scan itself (see ../index.ts); this is for callers that scan or redact
 * on their own, and — the rule functions — for the benchmarks and the reliability bar that time each
 * rule alone. Pure.
 */
export { redactObject } from "./redact.ts";
export { scanAgeKeys } from "./rules/age-key.ts";
export { LineIndex } from "./rules/common.ts";
export { scanFilename } from "./rules/filenames.ts";
export { scanGithubTokens } from "./rules/github-token.ts";
export { scanHighEntropy } from "./rules/high-entropy.ts";
export { scanKubernetesSecrets } from "./rules/kubernetes-secret.ts";
export { scanPrivateKeys } from "./rules/private-key.ts";
export { scanSecretGenerators } from "./rules/secret-generator.ts";
export { scanSops } from "./rules/sops.ts";
export { parseSopsConfig, type SecretScanInput, type SecretScanResult, scanSecrets } from "./scan.ts";
