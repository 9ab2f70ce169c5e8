// The benchmark's phases against a running stack of two battle instances, driven through two
// worker processes (worker k holds the connections to instance k). Each phase returns plain
// figures; `report.mjs` renders them.
import { fork } from "node:child_process";
import { guest, metricsText } from "../harness.mjs";
import { Tally, addCounts, nowMs, pool } from "./clients.mjs";
import {
  cpuMeter,
  histogramDelta,
  histogramQuantile,
  parseHistogram,
  pidsNamed,
  quantile,
  rssBytes,
  summary,
} from "./stats.mjs";

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Starts a worker process; `call(op, args)` resolves with its answer. */
export function startWorker() {
  const child = fork(new URL("./worker.mjs", import.meta.url).pathname, [], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const pending = new Map();
  let next = 0;
  child.on("message", ({ id, result, error }) => {
    const waiter = pending.get(id);
    pending.delete(id);
    if (error) waiter.reject(new Error(error));
    else waiter.resolve(result);
  });
  child.on("exit", (code) => {
    for (const waiter of pending.values()) waiter.reject(new Error(`load worker exited with ${code}`));
    pending.clear();
  });
  return {
    pid: child.pid,
    call(op, args = {}) {
      const id = next++;
      return new Promise((resolve, reject) => {
        pending.set(id, { resolve, reject });
        child.send({ id, op, args });
      });
    },
    stop() {
      child.kill();
    },
  };
}

/**
 * Wraps a phase: measures its wall time, the CPU of every process involved, and how busy the
 * load generator's event loops were (a saturated client delays what it measures).
 */
export async function measured(stack, workers, body) {
  const groups = () => ({
    battleA: [stack.battleProcesses[0].pid],
    battleB: [stack.battleProcesses[1].pid],
    loadgen: [process.pid, ...workers.map((w) => w.pid)],
    redis: pidsNamed("redis-server"),
    postgres: pidsNamed("postgres"),
  });
  await Promise.all(workers.map((w) => w.call("loop")));
  const cpu = cpuMeter(groups);
  const started = nowMs();
  const figures = await body();
  const seconds = (nowMs() - started) / 1000;
  const cores = cpu.stop();
  const loops = await Promise.all(workers.map((w) => w.call("loop")));
  return {
    ...figures,
    seconds,
    cpu: cores,
    loop: {
      utilization: Math.max(...loops.map((l) => l.utilization)),
      delayP99Ms: Math.max(...loops.map((l) => l.delayP99Ms)),
    },
  };
}

/** Creates `count` guest players, alternating the instance that serves the login. */
export async function logins(stack, count, concurrency) {
  const players = new Array(count);
  await pool(count, concurrency, async (i) => {
    players[i] = await guest(stack.battles[i % 2], `load-${i}`);
  });
  return players;
}

/** Worker k opens connections to instance k for its players, `concurrency` in flight in all. */
export async function ramp(stack, workers, playersPerWorker, concurrency) {
  const started = nowMs();
  const results = await Promise.all(
    workers.map((w, k) =>
      w.call("connect", {
        url: stack.battles[k],
        players: playersPerWorker[k],
        concurrency: Math.max(1, Math.round(concurrency / workers.length)),
      }),
    ),
  );
  const seconds = (nowMs() - started) / 1000;
  const errors = new Tally();
  for (const r of results) addCounts(errors, r.errors);
  const opened = results.reduce((n, r) => n + r.opened, 0);
  return {
    opened: results.map((r) => r.opened),
    perSecond: opened / seconds,
    handshake: summary(results.flatMap((r) => r.handshakeMs)),
    errors: errors.toString(),
    rateLimited: results.reduce((n, r) => n + r.rateLimited, 0),
  };
}

/** The `socket_connections` gauge of each instance. */
export async function serverConnections(stack) {
  return Promise.all(
    stack.battles.map(async (url) => {
      const text = await metricsText(url);
      const line = text.split("\n").find((l) => l.startsWith("socket_connections "));
      return line ? Number(line.split(" ")[1]) : 0;
    }),
  );
}

/** The sum of every series of counter `name` over both instances. */
async function counterTotal(stack, name) {
  const totals = await Promise.all(
    stack.battles.map(async (url) => {
      const text = await metricsText(url);
      return text
        .split("\n")
        .filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `))
        .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(" ") + 1)), 0);
    }),
  );
  return totals.reduce((a, b) => a + b, 0);
}

/** Connected sockets and disconnect reasons over both workers. */
export async function clientStatus(workers) {
  const statuses = await Promise.all(workers.map((w) => w.call("status")));
  const disconnects = new Tally();
  for (const s of statuses) addCounts(disconnects, s.disconnects);
  return { connected: statuses.reduce((n, s) => n + s.connected, 0), disconnects };
}

/** Keeps every connection open for `seconds`, then counts what is still connected. */
export async function hold(stack, workers, seconds) {
  const before = (await clientStatus(workers)).disconnects.total;
  await sleep(seconds * 1000);
  const after = await clientStatus(workers);
  return {
    holdSeconds: seconds,
    clientConnected: after.connected,
    serverConnected: await serverConnections(stack),
    disconnects: after.disconnects.total - before,
  };
}

/** RSS of the processes `pids`, in bytes. */
export function rss(pids) {
  return pids.map(rssBytes);
}

/**
 * Creates `count` battles: player i of worker 0 (instance A) challenges, player i of worker 1
 * (instance B) accepts. Returns the battle ids, by player index.
 */
export async function createDuels(workers, count, concurrency) {
  const battleIds = [];
  const errors = new Tally();
  await pool(count, concurrency, async (i) => {
    const created = await workers[0].call("request", { index: i, event: "challenge:create", payload: {} });
    if (!created.ack.ok) return errors.add(created.ack.error.code);
    const accepted = await workers[1].call("request", {
      index: i,
      event: "challenge:accept",
      payload: { code: created.ack.data.code },
    });
    if (!accepted.ack.ok) return errors.add(accepted.ack.error.code);
    battleIds[i] = accepted.ack.data.battle_id;
  });
  const created = battleIds.filter(Boolean).length;
  if (created < count) throw new Error(`only ${created} of ${count} duels created: ${errors}`);
  return battleIds;
}

/** Width of the windows the chat phase's p99 is also given for. */
const WINDOW_SECONDS = 5;

/**
 * Chat across instances: `rate` lines per second in total for `seconds`, both sides of every
 * duel taking part evenly. The opponent, on the other instance, measures send to receive on
 * the host's monotonic clock.
 */
export async function chat(stack, workers, battleIds, rate, seconds) {
  const histograms = await serverHistograms(stack, {
    handler: ["handler_duration_seconds", 'handler="chat:send"'],
    pubsub: ["redis_pubsub_roundtrip_seconds", ""],
  });
  const droppedBefore = await counterTotal(stack, "events_dropped_total");
  const indices = battleIds.map((_, i) => i);
  await Promise.all(workers.map((w) => w.call("chatListen", { indices })));
  const senders = battleIds.map((battleId, index) => ({ index, battleId }));
  const sends = await Promise.all(
    workers.map((w) => w.call("chatSend", { senders, rate: rate / workers.length, seconds })),
  );
  const accepted = sends.reduce((n, s) => n + s.accepted, 0);
  // Lines still in transit after their acks: give them a moment.
  const deadline = nowMs() + 5_000;
  for (;;) {
    const counts = await Promise.all(workers.map((w) => w.call("chatCount")));
    if (counts.reduce((n, c) => n + c.cross, 0) >= accepted || nowMs() > deadline) break;
    await sleep(50);
  }
  const got = await Promise.all(workers.map((w) => w.call("chatCollect")));
  const errors = new Tally();
  for (const s of sends) addCounts(errors, s.errors);
  const sent = sends.reduce((n, s) => n + s.sent, 0);
  const cross = got.flatMap((g) => g.cross.map(([, latency]) => latency));
  // The cross-instance p99 per window of send time: a transient shows up in one window, a
  // sustained overload in all of them.
  const started = got.reduce((min, g) => g.cross.reduce((m, [at]) => Math.min(m, at), min), Infinity);
  const windows = [];
  for (const g of got) {
    for (const [at, latency] of g.cross) {
      const w = Math.floor((at - started) / (WINDOW_SECONDS * 1000));
      (windows[w] ??= []).push(latency);
    }
  }
  return {
    server: await histograms.quantiles(),
    // Messages outboxes dropped because a connection could not keep up (should stay 0: each
    // player gets about one line a second, far below the outbox capacity).
    dropped: (await counterTotal(stack, "events_dropped_total")) - droppedBefore,
    windowSeconds: WINDOW_SECONDS,
    windowsP99: [...windows].map((w) => (w ? quantile(w, 0.99) : null)),
    duels: battleIds.length,
    targetRate: rate,
    sent,
    rate: sent / Math.max(...sends.map((s) => s.sendSeconds)),
    accepted,
    lost: accepted - cross.length,
    cross: summary(cross),
    echo: summary(got.flatMap((g) => g.echo)),
    ack: summary(sends.flatMap((s) => s.ackMs)),
    errors: errors.toString(),
  };
}

/**
 * Server-side histograms over both instances: `scrape()` before a phase, then `quantiles()` of
 * what the phase added (p50 and p99 in milliseconds). `series` maps a name to
 * `[histogram, label]`.
 */
export async function serverHistograms(stack, series) {
  const scrape = () =>
    Promise.all(
      stack.battles.map(async (url) => {
        const text = await metricsText(url);
        return Object.fromEntries(
          Object.entries(series).map(([key, [name, label]]) => [key, parseHistogram(text, name, label)]),
        );
      }),
    );
  const before = await scrape();
  return {
    async quantiles() {
      const after = await scrape();
      const result = {};
      for (const key of Object.keys(series)) {
        const delta = histogramDelta(before.map((b, i) => [b[key], after[i][key]]));
        const q = (p) => {
          const { value, count, overflow } = histogramQuantile(delta, p);
          return { ms: value === null ? null : value * 1000, count, overflow };
        };
        result[key] = { p50: q(0.5), p99: q(0.99) };
      }
      return result;
    },
  };
}

const LOCK_SERIES = {
  acquire: ["lock_acquire_duration_seconds", ""],
  hold: ["lock_hold_duration_seconds", ""],
  handler: ["handler_duration_seconds", 'handler="challenge:accept"'],
};

/**
 * Battle creation under the lock: `pairs` challenges, each created by a player on one instance
 * and accepted by one on the other (alternating), `concurrency` at a time. With `race`, a
 * player on each instance accepts the same code at once: exactly one may create the battle.
 * Players are taken from the indices `first..perWorker` of each worker, round robin.
 */
export async function lockPhase(stack, workers, { first, perWorker, pairs, concurrency, race }) {
  const acceptMs = [];
  const outcomes = new Tally();
  let oneBattlePerCode = 0;
  const pick = (k) => first + (k % (perWorker - first));
  const histograms = await serverHistograms(stack, LOCK_SERIES);
  const started = nowMs();
  await pool(pairs, concurrency, async (j) => {
    const side = j % 2;
    const created = await workers[side].call("request", {
      index: pick(2 * j),
      event: "challenge:create",
      payload: {},
    });
    if (!created.ack.ok) return outcomes.add(`create ${created.ack.error.code}`);
    const acceptors = race ? [[0, pick(2 * j + 1)], [1, pick(2 * j + 1)]] : [[1 - side, pick(2 * j)]];
    const acks = await Promise.all(
      acceptors.map(async ([k, index]) => {
        const { ack, ms } = await workers[k].call("request", {
          index,
          event: "challenge:accept",
          payload: { code: created.ack.data.code },
        });
        acceptMs.push(ms);
        outcomes.add(ack.ok ? "ok" : ack.error.code);
        return ack.ok;
      }),
    );
    if (acks.filter(Boolean).length === 1) oneBattlePerCode++;
  });
  const seconds = (nowMs() - started) / 1000;
  const server = await histograms.quantiles();
  return {
    pairs,
    concurrency,
    race,
    perSecond: pairs / seconds,
    accept: summary(acceptMs),
    outcomes: outcomes.toString(),
    oneBattlePerCode,
    server,
  };
}
