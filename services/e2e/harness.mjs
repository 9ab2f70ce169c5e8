// Starts the real Joust binaries against a throwaway database and Redis prefix, and tears
// everything down afterwards.
import { spawn, execFileSync } from "node:child_process";
import { createServer } from "node:net";
import { readFileSync } from "node:fs";
import { randomBytes, randomUUID } from "node:crypto";
import { io } from "socket.io-client";

export const binDir = process.env.JOUST_BIN_DIR ?? new URL("../../target/debug/", import.meta.url).pathname;
const runtimeDir = process.env.JOUST_RUNTIME_DIR ?? new URL("../../.cache/runtimes", import.meta.url).pathname;
const cacheDir = process.env.JOUST_SANDBOX_CACHE_DIR ?? new URL("../../.cache/sandbox", import.meta.url).pathname;
/** Operations listener (`/metrics`, detailed `/readyz`) of each battle instance, by public URL. */
const opsUrls = new Map();

/**
 * Battle settings that lift the per-IP handshake and per-user/per-socket event limits: every
 * test client comes from 127.0.0.1, and most tests are about something else. Tests about the
 * limits pass `limits: "production"` to `startStack` to run with the defaults.
 */
export const NO_LIMITS = {
  JOUST_HANDSHAKE_RATE: "100000",
  JOUST_HANDSHAKE_BURST: "100000",
  JOUST_HANDSHAKE_FAILURE_RATE: "100000",
  JOUST_HANDSHAKE_FAILURE_BURST: "100000",
  JOUST_RATE_CREATE: "off",
  JOUST_RATE_ACCEPT: "off",
  JOUST_RATE_SUBMIT: "off",
  JOUST_RATE_CHAT: "off",
  JOUST_RATE_PROGRESS: "off",
  JOUST_RATE_READ: "off",
  JOUST_RATE_CONTROL: "off",
  JOUST_RATE_RUN: "off",
  JOUST_GUEST_RATE: "off",
  JOUST_SOCKET_RATE: "off",
  JOUST_SOCKET_MAX_IN_FLIGHT: "100000",
  JOUST_MAX_OPEN_CHALLENGES: "100000",
};

const pgAdmin = ["-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-v", "ON_ERROR_STOP=1", "-qAt"];
/**
 * The PostgreSQL server's port: the machine's (5432) unless `PGPORT` names another, as the
 * drills do for a server of their own. psql reads `PGPORT` itself.
 */
export const pgPort = () => process.env.PGPORT ?? "5432";

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

export function psql(database, sql) {
  return execFileSync("psql", ["-h", "127.0.0.1", "-U", "postgres", "-d", database, "-qAt", "-c", sql], {
    encoding: "utf8",
  }).trim();
}

/** Whether a child process is still running: neither exited nor killed by a signal. */
function running(child) {
  return child.exitCode === null && child.signalCode === null;
}

async function waitReady(url, child, name, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited with ${child.exitCode}`);
    try {
      const res = await fetch(`${url}/readyz`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} not ready after ${timeoutMs} ms`);
}

/**
 * Starts executor, judge and `battleInstances` battle services (sharing the database and Redis);
 * returns their URLs and a stop function. `battleEnv` adds settings to every battle instance;
 * `judge: false` starts only the battle services, for tests that never submit. With
 * `captureLogs`, each service logs at `info` and its JSON log lines are kept in
 * `stack.logs[name]` instead of going to the terminal. Battle instances run with [`NO_LIMITS`]
 * unless `limits: "production"`; `battleEnv` overrides either. `stack.ops[i]` is the operations
 * URL of `stack.battles[i]` (`metric` finds it by itself).
 */
export async function startStack({
  countdownMs = 300,
  battleInstances = 1,
  battleEnv = {},
  judge = true,
  captureLogs = false,
  limits = "lifted",
} = {}) {
  const id = randomUUID().replaceAll("-", "");
  const database = `joust_e2e_${id}`;
  execFileSync("psql", [...pgAdmin, "-c", `CREATE DATABASE "${database}"`]);
  const redisPrefix = `joust-e2e:${id}:`;
  const [judgePort, executorPort] = [await freePort(), await freePort()];
  // Real secrets, as in production: the services refuse to start without them.
  const secrets = {
    JOUST_JWT_SECRET: randomBytes(32).toString("hex"),
    JOUST_EXECUTOR_TOKEN: randomBytes(32).toString("hex"),
  };
  const common = {
    ...process.env,
    ...secrets,
    JOUST_LOG_FORMAT: "json",
    RUST_LOG: captureLogs ? "info" : (process.env.RUST_LOG ?? "warn"),
    JOUST_DATABASE_URL: `postgres://postgres@127.0.0.1:${pgPort()}/${database}`,
    JOUST_REDIS_URL: process.env.JOUST_TEST_REDIS_URL ?? "redis://127.0.0.1:6379",
    JOUST_REDIS_PREFIX: redisPrefix,
    JOUST_RUNTIME_DIR: runtimeDir,
    JOUST_SANDBOX_CACHE_DIR: cacheDir,
  };
  const children = [];
  const start = async (name, env, port) => {
    const child = spawn(`${binDir}/joust-${name}`, [], {
      env: { ...common, ...env },
      stdio: ["ignore", captureLogs ? "pipe" : "inherit", "inherit"],
    });
    if (captureLogs) {
      const lines = (stack.logs[name] ??= []);
      let rest = "";
      child.stdout.setEncoding("utf8").on("data", (chunk) => {
        const parts = (rest + chunk).split("\n");
        rest = parts.pop();
        lines.push(...parts.filter((l) => l.length > 0));
      });
    }
    children.push(child);
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url, child, name);
    return { url, child };
  };
  const stack = { database, redisPrefix, secrets, children, battles: [], ops: [], battleProcesses: [], logs: {} };
  const battleSpecs = [];
  /**
   * Stops battle instance `i` (SIGTERM, then waits for its exit) and starts it again on the
   * same ports with `env` added to its settings, e.g. a fault-injection setting.
   */
  stack.restartBattle = async (i, env = {}) => {
    const old = stack.battleProcesses[i];
    if (running(old)) {
      const exited = new Promise((r) => old.once("exit", r));
      old.kill("SIGTERM");
      await exited;
    }
    const { child } = await start("battle", { ...battleSpecs[i].env, ...env }, battleSpecs[i].port);
    stack.battleProcesses[i] = child;
  };
  /**
   * Kills the executor (SIGKILL: no drain, requests in flight are cut) and returns a function
   * that starts it again on the same port, for the executor-loss drill.
   */
  stack.killExecutor = async () => {
    const old = stack.executorProcess;
    const exited = new Promise((r) => old.once("exit", r));
    old.kill("SIGKILL");
    await exited;
    return async () => {
      stack.executorProcess = (await start("executor", { JOUST_EXECUTOR_PORT: String(executorPort) }, executorPort)).child;
    };
  };
  stack.stop = async () => {
    for (const child of children) {
      if (running(child)) {
        child.kill("SIGTERM");
        await new Promise((r) => {
          const timer = setTimeout(() => {
            child.kill("SIGKILL");
            r();
          }, 5000);
          child.once("exit", () => {
            clearTimeout(timer);
            r();
          });
        });
      }
    }
    execFileSync("psql", [...pgAdmin, "-c", `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`]);
    deleteRedisKeys(redisPrefix);
  };
  try {
    if (judge) {
      const executor = await start("executor", { JOUST_EXECUTOR_PORT: String(executorPort) }, executorPort);
      [stack.executor, stack.executorProcess] = [executor.url, executor.child];
      stack.judge = (
        await start("judge", { JOUST_JUDGE_PORT: String(judgePort), JOUST_EXECUTOR_URL: stack.executor }, judgePort)
      ).url;
    }
    for (let i = 0; i < battleInstances; i++) {
      const [port, opsPort] = [await freePort(), await freePort()];
      const env = {
        ...(limits === "production" ? {} : NO_LIMITS),
        JOUST_BATTLE_PORT: String(port),
        JOUST_BATTLE_OPS_PORT: String(opsPort),
        JOUST_COUNTDOWN_MS: String(countdownMs),
        ...battleEnv,
      };
      battleSpecs.push({ env, port });
      const { url, child } = await start("battle", env, port);
      const ops = `http://127.0.0.1:${opsPort}`;
      opsUrls.set(url, ops);
      stack.battles.push(url);
      stack.ops.push(ops);
      stack.battleProcesses.push(child);
    }
    stack.battle = stack.battles[0];
  } catch (e) {
    await stack.stop();
    throw e;
  }
  return stack;
}

/** Resolves once `predicate` (sync or async) holds; polls every 25 ms, fails after `timeoutMs`. */
export async function until(predicate, what = "a condition", timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Deletes every Redis key under `prefix` (one deployment's data); returns how many there were. */
export function deleteRedisKeys(prefix) {
  const keys = execFileSync("redis-cli", ["--scan", "--pattern", `${prefix}*`], { encoding: "utf8" })
    .split("\n")
    .filter(Boolean);
  if (keys.length) execFileSync("redis-cli", ["del", ...keys]);
  return keys.length;
}

/** `{code: count}` of a list of acks; successes count as `OK`. */
export const tally = (acks) =>
  acks.reduce((t, a) => {
    const code = a.ok ? "OK" : a.error.code;
    t[code] = (t[code] ?? 0) + 1;
    return t;
  }, {});

/** Every `RATE_LIMITED` ack among `acks` tells the client when to retry. */
export function assertRetryHints(acks) {
  for (const refused of acks.filter((a) => !a.ok && a.error.code === "RATE_LIMITED")) {
    if (!(Number.isInteger(refused.error.retry_after_ms) && refused.error.retry_after_ms >= 1)) {
      throw new Error(`no retry hint: ${JSON.stringify(refused)}`);
    }
  }
}

/** Creates a guest player through the HTTP API: `{ name, userId, token }`. */
export async function guest(battleUrl, name) {
  const res = await fetch(`${battleUrl}/api/auth/guest`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name }),
  });
  if (!res.ok) throw new Error(`guest login failed: ${res.status} ${await res.text()}`);
  const { token, user_id: userId } = await res.json();
  return { name, userId, token };
}

/** A guest player connected with the official client; collects the battle events it receives. */
export async function connectPlayer(battleUrl, name) {
  return connectAs(battleUrl, await guest(battleUrl, name));
}

/** Connects an existing player (from `guest`) to a battle instance. */
export async function connectAs(battleUrl, { name, userId, token }) {
  const socket = io(battleUrl, { auth: { token, protocol: 1 }, reconnection: false });
  const events = [];
  const waiters = [];
  socket.on("battle:event", (event) => {
    events.push(event);
    for (const w of [...waiters]) {
      if (w.predicate(event)) {
        waiters.splice(waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(event);
      }
    }
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return {
    name,
    userId,
    token,
    socket,
    events,
    /** Sends an event and resolves with its ack. */
    request: (event, payload) => socket.timeout(30_000).emitWithAck(event, payload),
    /** Resolves with the first received battle event matching `predicate`. */
    waitFor(predicate, timeoutMs = 60_000) {
      const seen = events.find(predicate);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const waiter = { predicate, resolve };
        waiters.push(waiter);
        waiter.timer = setTimeout(() => {
          const i = waiters.indexOf(waiter);
          if (i >= 0) {
            waiters.splice(i, 1);
            reject(new Error(`${name}: no matching battle event within ${timeoutMs} ms; got ${JSON.stringify(events)}`));
          }
        }, timeoutMs);
      });
    },
  };
}

/**
 * The value of a counter or gauge on a service's `/metrics` (0 when absent); `labels` is the
 * label set as printed, e.g. `priority="normal"`, or empty for an unlabelled metric. A battle
 * instance's public URL is mapped to its operations listener, where `/metrics` lives.
 */
export async function metric(serviceUrl, name, labels = "") {
  const text = await metricsText(serviceUrl);
  const series = labels ? `${name}{${labels}} ` : `${name} `;
  const line = text.split("\n").find((l) => l.startsWith(series));
  return line ? Number(line.slice(series.length)) : 0;
}

/** The whole `/metrics` page of a service (a battle instance's from its operations listener). */
export async function metricsText(serviceUrl) {
  return (await fetch(`${opsUrls.get(serviceUrl) ?? serviceUrl}/metrics`)).text();
}

/** The IPv4 addresses (hex, as `/proc/net/tcp` prints them) listening on `port`. */
export function ipv4Listeners(port) {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  return readFileSync("/proc/net/tcp", "utf8")
    .split("\n")
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length > 3 && f[1].endsWith(`:${hexPort}`) && f[3] === "0A")
    .map((f) => f[1].split(":")[0]);
}

/** `ipv4Listeners`' spelling of 127.0.0.1 and of 0.0.0.0. */
export const LOOPBACK = "0100007F";
export const ANY_ADDRESS = "00000000";
