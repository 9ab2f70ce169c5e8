// Real-time path, side by side: two Joust battle instances and two instances of a reference
// Node.js Socket.IO 4 server with the official Redis adapter (`reference/server.mjs`), under the
// same load from the same load generator (`worker.mjs`). Clients come in pairs, one member of
// each pair on each instance, sharing a room (a Joust battle; a room of the reference); every
// client sends chat lines into its room, and the opponent on the other instance times each line
// one way on the host's monotonic clock. Prints the markdown table of docs/benchmarks.md.
//
//   node bench/realtime.mjs [--steps=1000:1000,5000:4000,10000:8000,20000:8000] [--seconds=10]
//
// Joust binaries come from JOUST_BIN_DIR (`make bench-realtime` builds and passes the release
// ones); the reference's npm packages are installed from its lockfile by the Make target.
import { parseArgs } from "node:util";
import { spawn, execFileSync } from "node:child_process";
import { randomUUID } from "node:crypto";
import { freePort, guest, startStack } from "../harness.mjs";
import { pool, nowMs } from "./clients.mjs";
import { startWorker, serverConnections } from "./phases.mjs";
import { cpuSeconds, rssBytes, summary } from "./stats.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (message) => process.stderr.write(`[realtime ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

const { values: args } = parseArgs({
  options: {
    steps: { type: "string", default: "1000:1000,5000:4000,10000:8000,20000:8000" },
    seconds: { type: "string", default: "10" },
    only: { type: "string", default: "joust,reference" },
  },
});
const STEPS = args.steps.split(",").map((s) => s.split(":").map(Number));
const SECONDS = Number(args.seconds);
const SERVERS = args.only.split(",");
/** Connections one load-generator process may hold (its open files are one per connection). */
const PER_WORKER = Number(process.env.REALTIME_CONNECTIONS_PER_WORKER ?? 5_000);

// Joust's per-user and per-socket limits are lifted by the harness; a short drain so that each
// step's instances close quickly. The outbox keeps its default capacity.
const BATTLE_ENV = { JOUST_DRAIN_WINDOW_MS: "1000" };

/** Redis CPU seconds (user + system, main and child) from `INFO cpu`. */
function redisCpuSeconds() {
  const info = execFileSync("redis-cli", ["INFO", "cpu"], { encoding: "utf8" });
  const field = (name) => Number(new RegExp(`^${name}:([\\d.]+)`, "m").exec(info)?.[1] ?? 0);
  return field("used_cpu_sys") + field("used_cpu_user");
}

/** Starts the two reference instances; `stop()` ends them. */
async function startReference() {
  const key = `joust-bench-ref:${randomUUID()}`;
  const children = [];
  const urls = [];
  for (let i = 0; i < 2; i++) {
    const port = await freePort();
    const child = spawn("node", [new URL("./reference/server.mjs", import.meta.url).pathname], {
      env: { ...process.env, PORT: String(port), REDIS_KEY: key },
      stdio: ["ignore", "pipe", "inherit"],
    });
    await new Promise((resolve, reject) => {
      child.stdout.once("data", resolve);
      child.once("exit", (code) => reject(new Error(`reference server exited with ${code}`)));
    });
    children.push(child);
    urls.push(`http://127.0.0.1:${port}`);
  }
  return {
    urls,
    pids: children.map((c) => c.pid),
    stop: () => children.forEach((c) => c.kill("SIGTERM")),
  };
}

/**
 * The load generator of one step: for each instance, as many worker processes as the open-file
 * limit needs. `side(k)` lists instance k's workers with the player indices each holds.
 */
function startWorkers(perInstance) {
  const count = Math.ceil(perInstance / PER_WORKER);
  return [0, 1].map(() =>
    Array.from({ length: count }, (_, w) => {
      const first = w * PER_WORKER;
      return { worker: startWorker(), first, count: Math.min(PER_WORKER, perInstance - first) };
    }),
  );
}

/** Calls `op` on every worker of both sides with `args(side, part)`; returns the answers. */
function everyWorker(sides, op, args) {
  return Promise.all(sides.flatMap((parts, k) => parts.map((part) => part.worker.call(op, args(k, part)))));
}

/** Joust players: guests logged in once, reused by later steps (index i of each side). */
const joustPlayers = [[], []];
/** Battle of pair i, once created. */
const joustBattles = [];

/** Sends `event` from one client, again after the delay a `BUSY` answer names; the ack data. */
async function retried({ worker, index }, event, payload) {
  for (let attempt = 0; ; attempt++) {
    const { ack } = await worker.call("request", { index, event, payload });
    if (ack.ok) return ack.data;
    if (!["BUSY", "LOCK_BUSY"].includes(ack.error.code) || attempt === 20) {
      throw new Error(`${event}: ${ack.error.code}`);
    }
    await sleep((ack.error.retry_after_ms ?? 200) + Math.random() * 100);
  }
}

/** Connects `perInstance` clients to each instance of `target` and pairs them into rooms. */
async function connectAndPair(kind, target, sides, perInstance) {
  let players;
  if (kind === "joust") {
    for (let k = 0; k < 2; k++) {
      const have = joustPlayers[k].length;
      const more = new Array(Math.max(0, perInstance - have));
      await pool(more.length, 64, async (j) => {
        for (let attempt = 0; ; attempt++) {
          try {
            more[j] = await guest(target.urls[k], `rt-${k}-${have + j}`);
            break;
          } catch (e) {
            // A busy instance answers 503 BUSY with a delay: the load generator waits it out.
            if (!/ 503 /.test(e.message) || attempt === 20) throw e;
            await sleep(1_000 + Math.random() * 200);
          }
        }
      });
      joustPlayers[k].push(...more);
    }
    players = joustPlayers;
  } else {
    players = [0, 1].map(() =>
      Array.from({ length: perInstance }, () => {
        const id = randomUUID();
        return { userId: id, token: id };
      }),
    );
  }
  const opened = await everyWorker(sides, "connect", (k, part) => ({
    url: target.urls[k],
    players: players[k].slice(part.first, part.first + part.count),
    concurrency: 128,
  }));
  const failed = opened.reduce((n, o) => n + Object.values(o.errors).reduce((a, b) => a + b, 0), 0);
  if (failed > 0) throw new Error(`${kind}: ${failed} connections failed: ${JSON.stringify(opened.map((o) => o.errors))}`);
  // Pair i: player i of side 0 and player i of side 1, in one room.
  const partOf = (k, i) => {
    const part = sides[k].find((p) => i >= p.first && i < p.first + p.count);
    return { worker: part.worker, index: i - part.first };
  };
  const battleIds = new Array(perInstance);
  await pool(perInstance, 32, async (i) => {
    const [a, b] = [partOf(0, i), partOf(1, i)];
    if (kind === "joust") {
      if (!joustBattles[i]) {
        const created = await retried(a, "challenge:create", {});
        const accepted = await retried(b, "challenge:accept", { code: created.code });
        joustBattles[i] = accepted.battle_id;
      }
      battleIds[i] = joustBattles[i];
    } else {
      battleIds[i] = randomUUID();
      for (const side of [a, b]) {
        const joined = await side.worker.call("request", {
          index: side.index,
          event: "battle:join",
          payload: { battle_id: battleIds[i] },
        });
        if (!joined.ack.ok) throw new Error(`battle:join: ${joined.ack.error.code}`);
      }
    }
  });
  return battleIds;
}

/** One step against one server kind: connect, pair, chat at `rate` for SECONDS, disconnect. */
async function step(kind, target, perInstance, rate) {
  const sides = startWorkers(perInstance);
  try {
    const idleRss = target.pids.map(rssBytes);
    const battleIds = await connectAndPair(kind, target, sides, perInstance);
    // Joust battles start after their countdown: chat is refused before.
    await sleep(1_000);
    const rss = target.pids.map(rssBytes);
    const perConnection = rss.map((r, i) => (r - Math.min(idleRss[i], target.idleRss[i])) / perInstance);
    await everyWorker(sides, "chatListen", (k, part) => ({ indices: Array.from({ length: part.count }, (_, j) => j) }));
    const workers = sides.flat().length;
    const cpuBefore = target.pids.map(cpuSeconds);
    const redisBefore = redisCpuSeconds();
    const sends = await everyWorker(sides, "chatSend", (k, part) => ({
      senders: Array.from({ length: part.count }, (_, j) => ({ index: j, battleId: battleIds[part.first + j] })),
      rate: rate / workers,
      seconds: SECONDS,
    }));
    const accepted = sends.reduce((n, s) => n + s.accepted, 0);
    const deadline = nowMs() + 10_000;
    for (;;) {
      const counts = await everyWorker(sides, "chatCount", () => ({}));
      if (counts.reduce((n, c) => n + c.cross, 0) >= accepted || nowMs() > deadline) break;
      await sleep(100);
    }
    const serverCpu = target.pids.map(cpuSeconds).reduce((a, b) => a + b, 0) - cpuBefore.reduce((a, b) => a + b, 0);
    const redisCpu = redisCpuSeconds() - redisBefore;
    const peakRss = target.pids.map(rssBytes);
    const got = await everyWorker(sides, "chatCollect", () => ({}));
    const sent = sends.reduce((n, s) => n + s.sent, 0);
    const cross = got.flatMap((g) => g.cross.map(([, latency]) => latency));
    const errors = {};
    for (const s of sends) for (const [code, n] of Object.entries(s.errors)) errors[code] = (errors[code] ?? 0) + n;
    return {
      kind,
      perInstance,
      rate,
      sent,
      accepted,
      delivered: cross.length,
      oneWay: summary(cross),
      ack: summary(sends.flatMap((s) => s.ackMs)),
      errors,
      serverCpuUsPerMessage: (serverCpu / sent) * 1e6,
      redisCpuUsPerMessage: (redisCpu / sent) * 1e6,
      rssPerConnectionKiB: perConnection.map((b) => b / 1024),
      rssMiB: peakRss.map((b) => b / 2 ** 20),
    };
  } finally {
    await everyWorker(sides, "close", () => ({})).catch(() => {});
    for (const part of sides.flat()) part.worker.stop();
    if (kind === "joust") {
      const until = nowMs() + 30_000;
      while ((await serverConnections(target.stack)).some((n) => n > 0) && nowMs() < until) await sleep(200);
    } else {
      await sleep(2_000);
    }
  }
}

const fmt = (ms) => (ms === null ? "–" : ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : ms.toFixed(0));

function render(results) {
  const rows = [
    "| step (clients / msgs/s) | server | one-way p50 / p99 / max ms | ack p50 / p99 ms | delivered / sent | server CPU µs/msg | Redis CPU µs/msg | RSS KiB/conn (A, B) | peak RSS MiB (A, B) |",
    "|---|---|---|---|---|---|---|---|---|",
  ];
  for (const r of results) {
    const errors = Object.keys(r.errors).length ? ` (${JSON.stringify(r.errors)})` : "";
    rows.push(
      `| ${2 * r.perInstance} / ${r.rate} | ${r.kind} | ${fmt(r.oneWay.p50)} / ${fmt(r.oneWay.p99)} / ${fmt(r.oneWay.max)} | ` +
        `${fmt(r.ack.p50)} / ${fmt(r.ack.p99)} | ${r.delivered} / ${r.sent}${errors} | ${r.serverCpuUsPerMessage.toFixed(0)} | ` +
        `${r.redisCpuUsPerMessage.toFixed(0)} | ${r.rssPerConnectionKiB.map((k) => k.toFixed(1)).join(", ")} | ` +
        `${r.rssMiB.map((m) => m.toFixed(0)).join(", ")} |`,
    );
  }
  rows.push("", "| step | Joust p99 / reference p99 | Joust CPU / reference CPU per message |", "|---|---|---|");
  for (const [n, rate] of STEPS) {
    const j = results.find((r) => r.kind === "joust" && 2 * r.perInstance === n && r.rate === rate);
    const ref = results.find((r) => r.kind === "reference" && 2 * r.perInstance === n && r.rate === rate);
    if (!j || !ref) continue;
    rows.push(
      `| ${n} / ${rate} | ${(j.oneWay.p99 / ref.oneWay.p99).toFixed(2)} | ${(j.serverCpuUsPerMessage / ref.serverCpuUsPerMessage).toFixed(2)} |`,
    );
  }
  return rows.join("\n");
}

const results = [];
let joust;
let reference;
try {
  if (SERVERS.includes("joust")) {
    const stack = await startStack({ judge: false, battleInstances: 2, countdownMs: 300, battleEnv: BATTLE_ENV });
    const pids = stack.battleProcesses.map((c) => c.pid);
    joust = { stack, urls: stack.battles, pids, idleRss: pids.map(rssBytes), stop: () => stack.stop() };
  }
  if (SERVERS.includes("reference")) {
    reference = await startReference();
    reference.idleRss = reference.pids.map(rssBytes);
  }
  for (const [clients, rate] of STEPS) {
    for (const [kind, target] of [
      ["joust", joust],
      ["reference", reference],
    ]) {
      if (!target) continue;
      log(`${kind}: ${clients} clients, ${rate} msgs/s for ${SECONDS} s`);
      const r = await step(kind, target, clients / 2, rate);
      log(`${kind}: p99 ${fmt(r.oneWay.p99)} ms, ${r.delivered}/${r.sent}, ${r.serverCpuUsPerMessage.toFixed(0)} µs/msg`);
      results.push(r);
    }
  }
} finally {
  reference?.stop();
  await joust?.stop();
}
process.stdout.write(`${render(results)}\n`);
process.stdout.write(`\n<!-- ${JSON.stringify(results)} -->\n`);
process.exit(0);
