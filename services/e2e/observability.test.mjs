// A real Prometheus scrapes two battle instances, a judge and an executor while duels run. Every
// dashboard query and every rule expression is run through its HTTP API: none may fail to
// parse, name a metric no service exports, or come back empty where the load produces series.
// Then faults: a lock holder stalled by the fault-injection setting makes the lock-headroom
// alert pending, and a stopped executor makes the breaker-open alert pending. A screenshot of
// the alerts page is taken with Chromium during the lock stall.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { statSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io } from "socket.io-client";
import { startStack, connectPlayer, until } from "./harness.mjs";
import { startPrometheus, dashboardQueries, metricNames, sourceStrings } from "./prometheus.mjs";
import { RIGHT_C, WRONG_PYTHON } from "./solutions.mjs";

// The judge gives up on an executor after two failures and keeps its breaker open for the test.
process.env.JOUST_JUDGE_BREAKER_FAILURES = "2";
process.env.JOUST_JUDGE_BREAKER_OPEN_MS = "60000";
process.env.JOUST_JUDGE_RETRY_MS = "200";

/** Lock holders stall this long with the fault injection on: above half the 5 s TTL. */
const STALL_MS = 3500;
/** Where the screenshot of the alerts page goes (docs/screenshots holds the committed one). */
const screenshotDir = process.env.OBSERVABILITY_SCREENSHOT_DIR ?? join(tmpdir(), "joust-screenshots");

/**
 * Queries (or the recording rules they name) that may rightly be empty under a healthy load:
 * they select only failures the load does not cause.
 */
const QUIET = new Set([
  // No executor is saturated: no 429 was ever answered.
  'instance:execution_rejections_busy:rate5m',
  // No judging attempt failed or timed out.
  'job:judge_attempts_failed:ratio_5m',
  // No run was stopped early (deadline passed, caller gone).
  'sum by (reason) (rate(executions_stopped_total[5m]))',
]);

/** Metrics that no healthy load produces a series of; they must still be defined in the code. */
const NOT_YET_SEEN = new Set(["executions_stopped_total"]);

let stack;
let prometheus;
const sockets = [];

before(async () => {
  stack = await startStack({
    battleInstances: 2,
    countdownMs: 200,
    battleEnv: { JOUST_DRAIN_WINDOW_MS: "200" },
  });
  const host = (url) => new URL(url).host;
  prometheus = await startPrometheus({
    battle: stack.ops.map(host),
    judge: [host(stack.judge)],
    executor: [host(stack.executor)],
  });
});

after(async () => {
  for (const s of sockets) s.close();
  await prometheus?.stop();
  await stack?.stop();
});

/** Two players on `battleUrl` (or one on each URL) start a duel; resolves with it. */
async function startDuel(urlA, urlB, name) {
  const a = await connectPlayer(urlA, `${name}-a`);
  const b = await connectPlayer(urlB, `${name}-b`);
  sockets.push(a.socket, b.socket);
  const created = await a.request("challenge:create", {});
  assert.equal(created.ok, true, JSON.stringify(created));
  const accepted = await b.request("challenge:accept", { code: created.data.code });
  assert.equal(accepted.ok, true, JSON.stringify(accepted));
  const battleId = accepted.data.battle_id;
  await a.waitFor((e) => e.type === "battle.started");
  return { a, b, battleId };
}

/** One full duel: a wrong answer, then an accepted one. */
async function playDuel(urlA, urlB, name) {
  const { a, b, battleId } = await startDuel(urlA, urlB, name);
  const wrong = await a.request("battle:submit", { battle_id: battleId, language: "python", source: WRONG_PYTHON });
  assert.equal(wrong.ok, true, JSON.stringify(wrong));
  const right = await b.request("battle:submit", { battle_id: battleId, language: "c", source: RIGHT_C });
  assert.equal(right.ok, true, JSON.stringify(right));
  await a.waitFor((e) => e.type === "battle.finished");
}

/** The active alerts named `name`. */
async function active(name) {
  return (await prometheus.alerts()).filter((a) => a.labels.alertname === name);
}

test("every dashboard query and rule expression works against the live stack", async () => {
  const [first, second] = stack.battles;
  const loadStarted = Date.now();
  // Load: duels within one instance and across both, a refused handshake, a refused executor
  // call. Two rounds: Prometheus sees the counters' series appear in the first, and their rates
  // move in the second.
  await Promise.all([playDuel(first, second, "cross"), playDuel(second, second, "local")]);
  await until(
    async () =>
      (await prometheus.query('judge_attempts_total{outcome="judged"}')).result.length === 1 &&
      (await prometheus.query('sandbox_runs_total{verdict="AC"}')).result.length > 0,
    "Prometheus to scrape the first round",
    30_000,
  );
  await Promise.all([playDuel(first, second, "cross2"), playDuel(first, first, "near")]);
  const refused = io(first, { auth: { token: "not-a-token", protocol: 1 }, reconnection: false, forceNew: true });
  sockets.push(refused);
  await new Promise((r) => refused.once("connect_error", r));
  console.log(`load played in ${Date.now() - loadStarted} ms`);
  const unauthorized = await fetch(`${stack.executor}/v1/executions`, { method: "POST", body: "{}" });
  assert.equal(unauthorized.status, 401);

  // Every target is up, and the counters the load moved have at least two samples in the window.
  let seen = "";
  await until(
    async () => {
      const up = (await prometheus.query('up{job=~"battle|judge|executor"} == 1')).result.length;
      const judged = (await prometheus.query('sum(increase(judge_attempts_total{outcome="judged"}[1m])) > 0')).result.length;
      const ran = (await prometheus.query('sum(increase(sandbox_runs_total{verdict="AC"}[1m])) > 0')).result.length;
      seen = `${up} targets up, judged series: ${judged}, accepted runs series: ${ran}`;
      return up === 4 && judged === 1 && ran === 1;
    },
    "Prometheus to scrape the load",
    30_000,
  ).catch((e) => {
    throw new Error(`${e.message} (${seen})`);
  });
  await new Promise((r) => setTimeout(r, 3000));

  const rules = await prometheus.rules();
  assert.equal(rules.filter((r) => r.type === "alerting").length, 14, "every alert rule is loaded");
  for (const rule of rules) assert.equal(rule.health, "ok", `${rule.name}: ${rule.lastError}`);

  const defined = sourceStrings();
  const recorded = new Set(rules.filter((r) => r.type === "recording").map((r) => r.name));
  const queries = [
    ...dashboardQueries().map((q) => ({ ...q, kind: "dashboard" })),
    ...rules.map((r) => ({ expr: r.query, panel: r.name, kind: r.type })),
  ];
  const problems = [];
  const names = new Set();
  for (const q of queries) {
    const answer = await prometheus.query(q.expr);
    if (!answer.ok) {
      problems.push(`${q.panel}: ${answer.error}`);
      continue;
    }
    // An alert's expression is a condition, rightly empty on a healthy stack.
    if (q.kind !== "alerting" && answer.result.length === 0 && !QUIET.has(q.expr) && !QUIET.has(q.panel)) {
      problems.push(`${q.panel}: no series for ${q.expr}`);
    }
    for (const name of metricNames(q.expr)) names.add(name);
  }
  for (const name of names) {
    if (name.includes(":")) {
      if (!recorded.has(name)) problems.push(`${name} is no recording rule`);
      continue;
    }
    const base = name.replace(/_(bucket|sum|count)$/, "");
    if (name !== "up" && !defined.has(name) && !defined.has(base)) problems.push(`${name} is exported by no service`);
    if (NOT_YET_SEEN.has(name)) continue;
    const live = await prometheus.query(`count({__name__="${name}"})`);
    if (live.result.length === 0) problems.push(`${name}: no series scraped`);
  }
  assert.deepEqual(problems, []);
  // The check itself sees the metrics it must: a sample of them.
  for (const name of [
    "lock_ttl_seconds",
    "store_up",
    "circuit_breaker_state",
    "queue_lag_seconds",
    "executions_total",
    "sandbox_runs_total",
    "sandbox_run_fuel_sum",
    "sandbox_run_wall_seconds_sum",
    "cache:sandbox_cache_hit:ratio_5m",
  ]) {
    assert.ok(names.has(name), `${name} is used by no rule or dashboard`);
  }
  // The sandbox panels show the load as numbers, not only as series: runs with their fuel and
  // wall time, and the second round's programs found prepared in memory (a hit rate above 0).
  for (const expr of [
    'sum(increase(sandbox_runs_total{verdict="AC"}[1m])) > 0',
    "sum(sandbox_run_fuel_sum) > 0 and sum(sandbox_run_wall_seconds_sum) > 0",
    'cache:sandbox_cache_hit:ratio_5m{cache="memory"} > 0',
    'sandbox_cache_bytes{cache="memory"} > 0',
  ]) {
    const answer = await prometheus.query(expr);
    assert.ok(answer.ok && answer.result.length > 0, `no series for ${expr}: ${JSON.stringify(answer)}`);
  }
});

test("a stalled lock holder makes the lock-headroom alert pending", async () => {
  assert.deepEqual(await active("JoustLockHeadroomLow"), [], "quiet before the fault");
  await stack.restartBattle(1, { JOUST_LOCK_TEST_HOLD_MS: String(STALL_MS) });
  const stalledOps = new URL(stack.ops[1]).host;
  const started = Date.now();
  await startDuel(stack.battles[1], stack.battles[1], "stalled");
  assert.ok(Date.now() - started >= STALL_MS - 500, "the battle was created behind the stalled lock");

  await until(
    async () => (await active("JoustLockHeadroomLow")).some((a) => a.labels.instance === stalledOps),
    "the lock-headroom alert to become pending",
    30_000,
  );
  const [alert] = await active("JoustLockHeadroomLow");
  assert.ok(["pending", "firing"].includes(alert.state), alert.state);
  assert.equal(alert.labels.severity, "critical");
  assert.equal(alert.annotations.runbook_url, "docs/runbooks/lock-headroom-low.md");

  // Debian's Prometheus serves the classic web UI.
  const page = await fetch(`${prometheus.url}/classic/alerts`);
  assert.equal(page.status, 200);
  assert.match(await page.text(), /JoustLockHeadroomLow/);
  mkdirSync(screenshotDir, { recursive: true });
  const shot = join(screenshotDir, "prometheus-alerts-lock-stall.png");
  const chromium = spawnSync(
    "chromium",
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--hide-scrollbars",
      "--window-size=1280,1400",
      "--virtual-time-budget=8000",
      `--screenshot=${shot}`,
      `${prometheus.url}/classic/alerts`,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  assert.equal(chromium.status, 0, chromium.stderr);
  assert.ok(statSync(shot).size > 10_000, "the screenshot holds a rendered page");
});

test("a stopped executor makes the breaker-open alert pending", async () => {
  assert.deepEqual(await active("JoustCircuitBreakerOpen"), [], "quiet before the fault");
  const { a, battleId } = await startDuel(stack.battles[0], stack.battles[0], "outage");
  const executor = stack.children.find((c) => c.spawnfile.endsWith("joust-executor"));
  const exited = new Promise((r) => executor.once("exit", r));
  executor.kill("SIGTERM");
  await exited;
  const submitted = await a.request("battle:submit", { battle_id: battleId, language: "c", source: RIGHT_C });
  assert.equal(submitted.ok, true, JSON.stringify(submitted));

  const executorHost = new URL(stack.executor).host;
  await until(
    async () => (await active("JoustCircuitBreakerOpen")).some((x) => x.labels.executor_instance === executorHost),
    "the breaker-open alert to become pending",
    30_000,
  );
  const [alert] = await active("JoustCircuitBreakerOpen");
  assert.ok(["pending", "firing"].includes(alert.state), alert.state);
  assert.equal(alert.labels.target, stack.executor);
  // The executor's own target is down too: the alert that inhibits the breaker's in Alertmanager.
  await until(
    async () => (await active("JoustInstanceDown")).some((x) => x.labels.instance === executorHost),
    "the instance-down alert for the executor",
    30_000,
  );
});
