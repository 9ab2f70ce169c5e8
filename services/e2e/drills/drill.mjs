// Failure drills against a real cluster: two battle instances behind haproxy, a judge and an
// executor, on a Redis and a PostgreSQL of the drill's own (stopping or freezing the machine's
// shared servers would disturb everything else on it). Each drill reports what degraded, for
// how long and what recovered, and the run writes docs/drills.md.
//
//   node drills/drill.mjs [--clients=5000] [--duels=500] [--submit-every-ms=10000] [--out=…]
//
// The defaults are the figures.
import { writeFileSync } from "node:fs";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import { binDir, startStack, until } from "../harness.mjs";
import { startBalancer } from "../balancer.mjs";
import { privatePostgres, privateRedis } from "./stores.mjs";
import { population } from "./players.mjs";
import { reconnectStorm, rollingRestart } from "./instances.mjs";
import { databaseOutage, executorLoss, redisRestart } from "./outages.mjs";
import { report } from "./report.mjs";

const { values: args } = parseArgs({
  options: {
    clients: { type: "string", default: "5000" },
    duels: { type: "string", default: "500" },
    "submit-every-ms": { type: "string", default: "10000" },
    out: { type: "string", default: new URL("../../../docs/drills.md", import.meta.url).pathname },
  },
});
const [CLIENTS, DUELS, SUBMIT_EVERY_MS] = [args.clients, args.duels, args["submit-every-ms"]].map(Number);
const BREAKER_OPEN_MS = 5000;
/** The judge puts back a submission whose stream entry was lost after this (300 s by default). */
const REQUEUE_AFTER_MS = 15_000;
const phase = (what) => console.error(`[drill ${new Date().toISOString()}] ${what}`);

const redis = await privateRedis();
const postgres = await privatePostgres();
process.env.JOUST_TEST_REDIS_URL = redis.url;
process.env.PGPORT = postgres.port;
process.env.JOUST_JUDGE_REQUEUE_AFTER_MS = String(REQUEUE_AFTER_MS);
process.env.JOUST_JUDGE_BREAKER_OPEN_MS = String(BREAKER_OPEN_MS);
const started = new Date();
let stack;
let balancer;
let players = [];
const results = [];
try {
  stack = await startStack({
    battleInstances: 2,
    countdownMs: 300,
    battleEnv: {
      JOUST_TRUSTED_PROXIES: "127.0.0.1",
      JOUST_RECONNECT_GRACE_MS: "120000",
      JOUST_DRAIN_WINDOW_MS: "3000",
      JOUST_MAX_PENDING_SUBMISSIONS: "1000",
    },
  });
  balancer = await startBalancer(stack);
  phase(`connecting ${CLIENTS} clients`);
  const crowd = await population(balancer.url, CLIENTS, DUELS);
  players = crowd.players;
  const { pairs } = crowd;
  phase(`${players.length} clients connected, ${pairs.length} duels created`);
  await new Promise((r) => setTimeout(r, 1500));
  const drills = [
    ["reconnect storm", () => reconnectStorm(stack, players, pairs)],
    ["rolling restart", () => rollingRestart(stack, balancer, pairs, SUBMIT_EVERY_MS)],
    ["redis restart", () => redisRestart(stack, redis, pairs, SUBMIT_EVERY_MS)],
    ["postgres pause", () => databaseOutage(stack, postgres, pairs, SUBMIT_EVERY_MS, "pause")],
    ["postgres stop", () => databaseOutage(stack, postgres, pairs, SUBMIT_EVERY_MS, "stop")],
    ["executor loss", () => executorLoss(stack, pairs, SUBMIT_EVERY_MS, BREAKER_OPEN_MS)],
  ];
  for (const [name, drill] of drills) {
    phase(name);
    results.push(await drill());
    phase(`${name}: ${JSON.stringify(results.at(-1))}`);
    await until(async () => Object.values(await balancer.serverStates()).every((s) => s === "UP"), "both instances in rotation", 60_000);
  }
} finally {
  for (const p of players) p.socket.close();
  await balancer?.stop();
  await stack?.stop();
  await redis.stop();
  postgres.remove();
}

const text = report({
  results,
  clients: CLIENTS,
  duels: DUELS,
  submitEveryMs: SUBMIT_EVERY_MS,
  requeueAfterMs: REQUEUE_AFTER_MS,
  build: binDir.includes("release") ? "release" : "debug",
  machine: `${cpus().length} cores, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  started,
});
writeFileSync(args.out, text);
console.log(text);
