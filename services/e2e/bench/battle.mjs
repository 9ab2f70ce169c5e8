// Battle service benchmark: two real instances sharing a fresh database and Redis prefix, many
// websocket connections, chat across instances and battle creation under the lock. Prints the
// markdown results section of docs/benchmarks.md.
//
//   node bench/battle.mjs [--per-instance=10000] [--duels=1000] [--chat-rate=1000] ...
//   node bench/battle.mjs --ack-only=1 [--ack-count=2000]   (only the ack round trip)
//
// Binaries come from JOUST_BIN_DIR (`make bench-battle` builds and passes the release ones).
// Open files: each connection is a descriptor in a battle process and in the worker process that
// holds that instance's connections, so `ulimit -n` must exceed --per-instance (the Makefile
// target raises the soft limit to the hard one).
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import { startStack } from "../harness.mjs";
import {
  chat,
  clientStatus,
  createDuels,
  hold,
  lockPhase,
  logins,
  measured,
  ramp,
  rss,
  serverConnections,
  startWorker,
} from "./phases.mjs";
import { render } from "./report.mjs";
import { ackRoundTrip } from "./ack.mjs";

export const DEFAULTS = {
  perInstance: 10_000,
  loginConcurrency: 64,
  handshakeConcurrency: 256,
  holdSeconds: 30,
  duels: 1_000,
  chatRate: 1_000,
  chatSeconds: 30,
  lockPairs: 2_000,
  lockConcurrency: 64,
  lockRaces: 500,
  ackCount: 2_000,
  ackOnly: 0,
};

// What the benchmark changes in the instances' settings: handshake limits out of the way (the
// phase measures what the service can do, not the configured bucket); a short drain so the
// teardown of 20k connections is quick.
const BATTLE_ENV = {
  JOUST_HANDSHAKE_RATE: "1000000",
  JOUST_HANDSHAKE_BURST: "1000000",
  JOUST_DRAIN_WINDOW_MS: "1000",
};

// Short, so the duels' battles have started (the reveal is sent to every player) before the
// chat phase measures anything.
const COUNTDOWN_MS = 300;

const log = (message) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);

/** Runs every phase and returns the figures (see `report.mjs`). */
export async function runBenchmark(options = {}) {
  const o = { ...DEFAULTS, ...options };
  const players = 2 * o.perInstance;
  if (o.duels + 2 > o.perInstance) throw new Error("each instance needs two players beyond the duels");
  const stack = await startStack({ judge: false, battleInstances: 2, countdownMs: COUNTDOWN_MS, battleEnv: BATTLE_ENV });
  const workers = [startWorker(), startWorker()];
  const battlePids = stack.battleProcesses.map((child) => child.pid);
  const workerPids = workers.map((w) => w.pid);
  try {
    const r = { options: o };
    // First, on idle instances: what one request costs on the wire.
    log(`ack round trip: ${o.ackCount} sequential requests`);
    r.ack = await ackRoundTrip(stack.battles[0], o.ackCount);
    if (o.ackOnly) return r;
    log(`${players} guest logins`);
    let accounts;
    r.logins = await measured(stack, workers, async () => {
      accounts = await logins(stack, players, o.loginConcurrency);
      return { count: players };
    });
    r.logins.perSecond = players / r.logins.seconds;

    const rssBefore = rss(battlePids);
    const workerRssBefore = rss(workerPids);
    log(`opening ${players} connections, ${o.handshakeConcurrency} in flight`);
    const perWorker = [0, 1].map((k) => accounts.filter((_, i) => i % 2 === k));
    r.ramp = await measured(stack, workers, () => ramp(stack, workers, perWorker, o.handshakeConcurrency));
    log(`opened ${r.ramp.opened.join(" + ")} (${r.ramp.perSecond.toFixed(0)}/s); holding ${o.holdSeconds} s`);

    r.hold = await measured(stack, workers, () => hold(stack, workers, o.holdSeconds));
    const rssAfter = rss(battlePids);
    const workerRssAfter = rss(workerPids);
    const perConnection = (before, after, counts) => after.map((a, i) => (a - before[i]) / Math.max(1, counts[i]));
    r.memory = {
      before: rssBefore,
      after: rssAfter,
      perConnection: perConnection(rssBefore, rssAfter, r.hold.serverConnected),
      loadgenPerConnection: perConnection(workerRssBefore, workerRssAfter, r.ramp.opened),
    };

    log(`creating ${o.duels} duels across instances`);
    const battleIds = await createDuels(workers, o.duels, o.lockConcurrency);
    await new Promise((r) => setTimeout(r, COUNTDOWN_MS + 2_000));
    log(`chat at ${o.chatRate}/s for ${o.chatSeconds} s`);
    r.chat = await measured(stack, workers, () => chat(stack, workers, battleIds, o.chatRate, o.chatSeconds));

    const lock = { first: o.duels, perWorker: o.perInstance, concurrency: o.lockConcurrency };
    log(`${o.lockPairs} battle creations, ${o.lockConcurrency} in flight`);
    r.lock = await measured(stack, workers, () => lockPhase(stack, workers, { ...lock, pairs: o.lockPairs, race: false }));
    log(`${o.lockRaces} contended creations`);
    r.race = await measured(stack, workers, () => lockPhase(stack, workers, { ...lock, pairs: o.lockRaces, race: true }));

    const status = await clientStatus(workers);
    r.disconnects = status.disconnects.toString();
    r.finalConnections = await serverConnections(stack);
    return r;
  } finally {
    log("stopping");
    // The instances first: closing every client first would make them handle thousands of
    // disconnects (presence bookkeeping) just before stopping.
    await stack.stop();
    for (const w of workers) w.stop();
  }
}

const FLAGS = {
  "per-instance": "perInstance",
  "login-concurrency": "loginConcurrency",
  "handshake-concurrency": "handshakeConcurrency",
  "hold-seconds": "holdSeconds",
  duels: "duels",
  "chat-rate": "chatRate",
  "chat-seconds": "chatSeconds",
  "lock-pairs": "lockPairs",
  "lock-concurrency": "lockConcurrency",
  "lock-races": "lockRaces",
  "ack-count": "ackCount",
  "ack-only": "ackOnly",
};

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: Object.fromEntries(Object.keys(FLAGS).map((flag) => [flag, { type: "string" }])),
  });
  const options = {};
  for (const [flag, value] of Object.entries(values)) {
    const n = Number(value);
    if (!Number.isFinite(n) || n < 0) throw new Error(`--${flag} must be a number`);
    options[FLAGS[flag]] = n;
  }
  const results = await runBenchmark(options);
  process.stdout.write(`${render(results)}\n`);
  process.exit(0);
}
