import { describe, expect, it } from "vitest";
import { scanKubernetesSecrets } from "../../../src/core/secrets/rules/kubernetes-secret.ts";
import { b64, githubToken, PRIVATE, pem, pemBody } from "../../support/fixtures/fake-secrets.ts";

function scan(text: string) {
  return scanKubernetesSecrets(text).map((f) => [f.code, f.severity, f.line, f.message]);
}

const SUFFIX = "and the file has no SOPS metadata; encrypt it with SOPS";

describe("core/secrets/rules/kubernetes-secret", () => {
  it("flags a v1 Secret with data and stringData values, at its kind line", () => {
    const text = `---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  token: c2VjcmV0LXRva2Vu\nstringData:\n  password: hunter2\n`;
    expect(scan(text)).toEqual([
      [
        "secret-unencrypted-secret",
        "error",
        3,
        `Kubernetes Secret "db" has 2 unencrypted value(s) in data/stringData ${SUFFIX}`,
      ],
    ]);
  });

  it("a case-variant kind is a warning", () => {
    expect(scan("apiVersion: v1\nkind: secret\nmetadata:\n  name: x\nstringData:\n  a: hunter2x\n")).toEqual([
      [
        "secret-unencrypted-secret",
        "warning",
        2,
        `Kubernetes Secret "x" has 1 unencrypted value(s) in data/stringData and the file has no SOPS metadata (kind/apiVersion is a case variant of v1 Secret); encrypt it with SOPS`,
      ],
    ]);
  });

  it("never flags empty values, pure ${VAR} placeholders, chart templates or empty data", () => {
    const text = [
      'apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  token: ${GITHUB_TOKEN}\n  empty: ""\n',
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: b\ndata: {}\n",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: c\ntype: kubernetes.io/service-account-token\n",
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: d\ndata:\n  password: '{{ .Values.password | b64enc }}'\n",
    ].join("---\n");
    expect(scan(text)).toEqual([]);
  });

  it("a ${VAR} with a default value is a literal, so it counts", () => {
    const text =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: a\nstringData:\n  token: ${TOKEN:=abc123}\n";
    expect(scan(text).map((f) => f[1])).toEqual(["error"]);
  });

  it("never flags ExternalSecret, SealedSecret, SecretStore, secretKeyRef or valuesFrom references", () => {
    const text = [
      "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: a\nspec:\n  data:\n    - secretKey: password\n      remoteRef:\n        key: db\n",
      "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: b\nspec:\n  encryptedData:\n    password: AgBy3i4OJSWK\n",
      "apiVersion: external-secrets.io/v1beta1\nkind: ClusterSecretStore\nmetadata:\n  name: c\n",
      "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - env:\n            - name: P\n              valueFrom:\n                secretKeyRef:\n                  name: db\n                  key: password\n",
      "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nspec:\n  valuesFrom:\n    - kind: Secret\n      name: values\n",
    ].join("---\n");
    expect(scan(text)).toEqual([]);
  });

  it("checks every document of a multi-document file and items of a List", () => {
    const text = [
      "apiVersion: v1\nkind: ConfigMap\ndata:\n  a: b\n",
      "apiVersion: v1\nkind: List\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: in-list\n    stringData:\n      k: hunter2x\n",
    ].join("---\n");
    expect(scan(text)).toEqual([
      [
        "secret-unencrypted-secret",
        "error",
        10,
        `Kubernetes Secret "in-list" has 1 unencrypted value(s) in data/stringData ${SUFFIX}`,
      ],
    ]);
  });

  it("a JSON Secret is read too", () => {
    const text = '{"apiVersion":"v1","kind":"Secret","metadata":{"name":"j"},"data":{"a":"aHVudGVyMng="}}';
    expect(scan(text).map((f) => [f[1], f[2]])).toEqual([["error", 1]]);
  });

  it("decodes base64 data one level and rescans it, reporting at the data key line", () => {
    const token = githubToken("ghp", 21);
    const key = pem(`RSA ${PRIVATE}`, pemBody(21));
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: creds\ndata:\n  token: ${b64(token)}\n  id_rsa: ${b64(key)}\n`;
    expect(scan(text)).toEqual([
      [
        "secret-unencrypted-secret",
        "error",
        2,
        `Kubernetes Secret "creds" has 2 unencrypted value(s) in data/stringData ${SUFFIX}`,
      ],
      [
        "secret-github-token",
        "error",
        6,
        'GitHub personal access token (ghp_…) detected inside the base64 value of data key "token" of Kubernetes Secret "creds"',
      ],
      [
        "secret-private-key",
        "error",
        7,
        `Private key block "BEGIN RSA ${PRIVATE}" detected inside the base64 value of data key "id_rsa" of Kubernetes Secret "creds"`,
      ],
    ]);
  });

  it("B9: a document that does not parse is still found by the raw-text fallback, with its base64 rescan", () => {
    const token = githubToken("gho", 22);
    const text = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: broken\n  labels: [a\ndata:\n  token: ${b64(token)}\n`;
    expect(scan(text)).toEqual([
      [
        "secret-unencrypted-secret",
        "error",
        2,
        "Kubernetes Secret has 1 unencrypted value(s) in data/stringData and the file has no SOPS metadata (found by the raw-text fallback: the document could not be parsed); encrypt it with SOPS",
      ],
      [
        "secret-github-token",
        "error",
        7,
        'GitHub OAuth access token (gho_…) detected inside the base64 value of data key "token" of Kubernetes Secret',
      ],
    ]);
  });

  it("a broken document does not hide a valid sibling", () => {
    const text =
      "kind: Secret\ndata:\n  a: [hunter2x\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ok\nstringData:\n  b: hunter2x\n";
    expect(scan(text).map((f) => [f[1], f[2]])).toEqual([
      ["error", 1],
      ["error", 6],
    ]);
  });

  it("duplicate keys do not hide values", () => {
    const text =
      "apiVersion: v1\nkind: Secret\nmetadata:\n  name: d\nstringData:\n  a: ''\nstringData:\n  a: real\n";
    expect(scan(text).map((f) => f[3])).toEqual([
      `Kubernetes Secret "d" has 1 unencrypted value(s) in data/stringData ${SUFFIX}`,
    ]);
  });
});
