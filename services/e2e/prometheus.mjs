// A real Prometheus (Debian's package) for the observability tests: started on a free port
// with the repository's rules, scraping the given targets at short intervals.
import { spawn } from "node:child_process";
import { cpSync, mkdtempSync, writeFileSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./harness.mjs";

export const repoDir = new URL("../../", import.meta.url).pathname;
export const rulesDir = join(repoDir, "infra/prometheus/rules");
export const dashboardsDir = join(repoDir, "infra/grafana/dashboards");

/**
 * Starts Prometheus scraping `targets` (`{ battle: ["host:port", ...], judge: [...],
 * executor: [...] }`) every `intervalS` seconds and evaluating the rules as often; returns
 * `{ url, query, alerts, stop }`.
 */
export async function startPrometheus(targets, { intervalS = 1 } = {}) {
  const dir = mkdtempSync(join(tmpdir(), "joust-prometheus-"));
  // The rules are copied beside the configuration, as a deployment would ship them.
  cpSync(rulesDir, join(dir, "rules"), { recursive: true });
  const ruleFiles = readdirSync(rulesDir).map((f) => join(dir, "rules", f));
  const config = {
    global: { scrape_interval: `${intervalS}s`, evaluation_interval: `${intervalS}s`, scrape_timeout: `${intervalS}s` },
    rule_files: ruleFiles,
    scrape_configs: Object.entries(targets).map(([job, list]) => ({
      job_name: job,
      static_configs: [{ targets: list }],
    })),
  };
  // JSON is YAML: Prometheus reads it as its configuration.
  writeFileSync(join(dir, "prometheus.yml"), JSON.stringify(config, null, 2));
  const port = await freePort();
  const child = spawn(
    "prometheus",
    [
      `--config.file=${join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--log.level=warn",
    ],
    { stdio: ["ignore", "ignore", "inherit"] },
  );
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once("exit", r));
      child.kill("SIGTERM");
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/-/ready`)).ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error("prometheus not ready after 60 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  /** Runs an instant query: `{ ok, error, result }`. */
  const query = async (expr) => {
    const res = await fetch(`${url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = await res.json();
    return { ok: body.status === "success", error: body.error, result: body.data?.result ?? [] };
  };
  /** The active alerts (pending and firing). */
  const alerts = async () => (await (await fetch(`${url}/api/v1/alerts`)).json()).data.alerts;
  /** Every loaded rule, as the rules API lists them. */
  const rules = async () =>
    (await (await fetch(`${url}/api/v1/rules`)).json()).data.groups.flatMap((g) => g.rules);
  return { url, query, alerts, rules, stop };
}

/** Every query of every provisioned dashboard: `{ dashboard, panel, expr }`. */
export function dashboardQueries() {
  return readdirSync(dashboardsDir)
    .filter((f) => f.endsWith(".json"))
    .flatMap((file) => {
      const dashboard = JSON.parse(readFileSync(join(dashboardsDir, file), "utf8"));
      return dashboard.panels.flatMap((panel) =>
        panel.targets.map((t) => ({ dashboard: dashboard.uid, panel: panel.title, expr: t.expr })),
      );
    });
}

const KEYWORDS = new Set(["by", "without", "on", "ignoring", "group_left", "group_right", "offset", "bool", "and", "or", "unless", "inf", "nan"]);

/** The metric names a PromQL expression selects (functions, keywords and labels left out). */
export function metricNames(expr) {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\boffset\s+\d+[smhdwy]+/g, " ")
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\b\d+(\.\d+)?([eE][+-]?\d+)?\b/g, " ");
  const names = new Set();
  for (const m of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const after = stripped.slice(m.index + m[0].length).trimStart();
    if (after.startsWith("(") || KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

/** Every string literal in the services' and the sandbox's Rust sources: where metric names live. */
export function sourceStrings() {
  const strings = new Set();
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith(".rs")) {
        for (const m of readFileSync(path, "utf8").matchAll(/"([a-z_:][a-z0-9_:]*)"/g)) strings.add(m[1]);
      }
    }
  };
  for (const crate of ["battle", "judge", "executor", "common"]) walk(join(repoDir, "services", crate, "src"));
  walk(join(repoDir, "sandbox/src"));
  return strings;
}
