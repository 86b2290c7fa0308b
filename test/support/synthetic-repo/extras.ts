/**
 * Plain (non-Flux) resource files placed in app directories, keyed by file stem: PVCs, PDBs, routes,
 * network policies, certificates, RBAC, plus the monitoring kinds of `monitoring-extras.ts`.
 * The key order of EXTRA is part of the generated output (plan picks kinds from it), so keep it stable.
 */
import {
  alertmanagerconfig,
  grafanadashboard,
  podmonitor,
  probes,
  prometheusrule,
  scrapeconfig,
  servicemonitor,
} from "./monitoring-extras.ts";
import { type ExtraFn, metadata } from "./yaml-text.ts";

const pvc: ExtraFn = (rng, name) =>
  `${metadata("v1", "PersistentVolumeClaim", `${name}-data`)}spec:
  accessModes:
    - ReadWriteOnce
  resources:
    requests:
      storage: ${rng.int(1, 100)}Gi
  storageClassName: ${rng.pick(["ceph-block", "openebs-hostpath", "nfs-slow"])}
`;

const pdb: ExtraFn = (rng, name) =>
  `${metadata("policy/v1", "PodDisruptionBudget", name)}spec:
  minAvailable: ${rng.int(1, 2)}
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
`;

const httproute: ExtraFn = (rng, name, ns) =>
  `${metadata("gateway.networking.k8s.io/v1", "HTTPRoute", name, "gateway.networking.k8s.io/httproute_v1")}spec:
  hostnames:
    - ${name}.synthetic.example
  parentRefs:
    - name: gateway-${rng.pick(["internal", "external"])}
      namespace: edge
      sectionName: https
  rules:
    - backendRefs:
        - name: ${name}
          namespace: ${ns}
          port: ${rng.pick([80, 8080, 9000])}
      matches:
        - path:
            type: PathPrefix
            value: /
`;

const networkpolicy: ExtraFn = (rng, name) =>
  `${metadata("networking.k8s.io/v1", "NetworkPolicy", name)}spec:
  podSelector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  policyTypes:
    - Ingress
    - Egress
  ingress:
    - from:
        - namespaceSelector:
            matchLabels:
              kubernetes.io/metadata.name: edge
      ports:
        - port: ${rng.pick([80, 8080, 9000])}
          protocol: TCP
  egress:
    - to:
        - ipBlock:
            cidr: 0.0.0.0/0
            except:
              - 10.0.0.0/8
`;

const certificate: ExtraFn = (rng, name) =>
  `${metadata("cert-manager.io/v1", "Certificate", name, "cert-manager.io/certificate_v1")}spec:
  secretName: ${name}-tls
  issuerRef:
    kind: ClusterIssuer
    name: ${rng.pick(["letsencrypt-production", "letsencrypt-staging"])}
  dnsNames:
    - ${name}.synthetic.example
    - "*.${name}.synthetic.example"
  privateKey:
    algorithm: ECDSA
    size: 256
`;

const rbac: ExtraFn = (_rng, name, ns) =>
  `${metadata("v1", "ServiceAccount", name)}${metadata("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", `${name}-view`)}roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: view
subjects:
  - kind: ServiceAccount
    name: ${name}
    namespace: ${ns}
`;

/** Plain resource files, keyed by file stem. */
export const EXTRA: Record<string, ExtraFn> = {
  grafanadashboard,
  prometheusrule,
  pvc,
  pdb,
  httproute,
  podmonitor,
  servicemonitor,
  networkpolicy,
  certificate,
  probes,
  scrapeconfig,
  alertmanagerconfig,
  rbac,
};

/** The kinds that may fill the random `extras` quota (dashboards and rules have their own quotas). */
export function plainKinds(): string[] {
  return Object.keys(EXTRA).filter((k) => k !== "grafanadashboard" && k !== "prometheusrule");
}
