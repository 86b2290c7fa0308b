/**
 * Monitoring resource files placed next to HelmReleases: Grafana dashboards and prometheus-operator
 * objects (PrometheusRule, PodMonitor, ServiceMonitor, Probe, ScrapeConfig, AlertmanagerConfig).
 * Each generator consumes random numbers in a fixed order; `extras.ts` assembles them into the EXTRA table.
 */
import { type ExtraFn, metadata, snake } from "./yaml-text.ts";

export const grafanadashboard: ExtraFn = (rng, name) =>
  Array.from({ length: rng.int(1, 4) }, (_, i) => {
    const id = rng.int(1000, 23000);
    return `${metadata("grafana.integreatly.org/v1beta1", "GrafanaDashboard", `${name}-${i + 1}`, "grafana.integreatly.org/grafanadashboard_v1beta1")}spec:
  allowCrossNamespaceImport: true
  folder: ${name}
  instanceSelector:
    matchLabels:
      dashboards: grafana
  datasources:
    - inputName: DS_PROMETHEUS
      datasourceName: prometheus
  grafanaCom:
    id: ${id}
    revision: ${rng.int(1, 40)}
`;
  }).join("");

export const prometheusrule: ExtraFn = (rng, name) => {
  const rules = Array.from({ length: rng.int(2, 6) }, (_, i) => {
    const alert = `${name.replace(/(^|-)(\w)/g, (_m, _d, c: string) => c.toUpperCase())}Alert${i + 1}`;
    return `        - alert: ${alert}
          expr: |
            sum by (instance) (rate(${snake(name).toLowerCase()}_errors_total[5m])) > ${rng.int(1, 50)}
          for: ${rng.pick(["5m", "10m", "15m"])}
          annotations:
            summary: >-
              {{ $labels.instance }} reports errors for ${name}
          labels:
            severity: ${rng.pick(["warning", "critical"])}
`;
  }).join("");
  return `${metadata("monitoring.coreos.com/v1", "PrometheusRule", name, "monitoring.coreos.com/prometheusrule_v1")}spec:
  groups:
    - name: ${name}.rules
      rules:
${rules}`;
};

export const podmonitor: ExtraFn = (rng, name) =>
  `${metadata("monitoring.coreos.com/v1", "PodMonitor", name, "monitoring.coreos.com/podmonitor_v1")}spec:
  namespaceSelector:
    any: false
  podMetricsEndpoints:
    - port: metrics
      interval: ${rng.pick(["30s", "1m"])}
      relabelings:
        - action: labeldrop
          regex: (pod_template_hash|controller_revision_hash)
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
`;

export const servicemonitor: ExtraFn = (rng, name) =>
  `${metadata("monitoring.coreos.com/v1", "ServiceMonitor", name, "monitoring.coreos.com/servicemonitor_v1")}spec:
  endpoints:
    - port: http-metrics
      interval: ${rng.pick(["30s", "1m"])}
      scheme: http
      path: /metrics
  selector:
    matchLabels:
      app.kubernetes.io/instance: ${name}
`;

export const probes: ExtraFn = (rng, name) =>
  Array.from(
    { length: rng.int(1, 3) },
    (_, i) =>
      `${metadata("monitoring.coreos.com/v1", "Probe", `${name}-probe-${i + 1}`, "monitoring.coreos.com/probe_v1")}spec:
  module: ${rng.pick(["http_2xx", "icmp", "tcp_connect"])}
  prober:
    url: blackbox-exporter.observability.svc.cluster.local:9115
  targets:
    staticConfig:
      static:
        - host-${rng.int(1, 250)}.synthetic.internal
        - host-${rng.int(1, 250)}.synthetic.internal
`,
  ).join("");

export const scrapeconfig: ExtraFn = (rng, name) =>
  `${metadata("monitoring.coreos.com/v1alpha1", "ScrapeConfig", name, "monitoring.coreos.com/scrapeconfig_v1alpha1")}spec:
  staticConfigs:
    - targets:
        - ${name}.synthetic.internal:${rng.pick([9100, 9633, 9798])}
  metricsPath: /metrics
  scrapeInterval: ${rng.pick(["30s", "1m"])}
  relabelings:
    - action: replace
      targetLabel: job
      replacement: ${name}
`;

export const alertmanagerconfig: ExtraFn = (rng, name) =>
  `${metadata("monitoring.coreos.com/v1alpha1", "AlertmanagerConfig", name, "monitoring.coreos.com/alertmanagerconfig_v1alpha1")}spec:
  route:
    groupBy: ["alertname", "job"]
    groupInterval: ${rng.pick(["5m", "10m"])}
    groupWait: 1m
    receiver: ${name}-pager
    repeatInterval: ${rng.pick(["4h", "12h"])}
    routes:
      - receiver: "null"
        matchers:
          - name: alertname
            value: InfoInhibitor
            matchType: =
      - receiver: ${name}-heartbeat
        groupInterval: 5m
        groupWait: 0s
        repeatInterval: 5m
        matchers:
          - name: alertname
            value: Watchdog
            matchType: =
  inhibitRules:
    - equal: ["alertname", "namespace"]
      sourceMatch:
        - name: severity
          value: critical
          matchType: =
      targetMatch:
        - name: severity
          value: warning
          matchType: =
  receivers:
    - name: "null"
    - name: ${name}-heartbeat
      webhookConfigs:
        - urlSecret:
            name: ${name}-secret
            key: HEARTBEAT_URL
    - name: ${name}-pager
      pushoverConfigs:
        - html: true
          sendResolved: true
          priority: '{{ if eq .Status "firing" }}1{{ else }}0{{ end }}'
          title: >-
            [{{ .Status | toUpper }}] {{ .CommonLabels.alertname }}
          userKey:
            name: ${name}-secret
            key: PUSHOVER_USER_KEY
          token:
            name: ${name}-secret
            key: PUSHOVER_TOKEN
`;
