// The balancer's cost: connection set-up and chat latency through haproxy against the same two
// battle instances reached directly, measured side by side in one run.
//
//   node bench/balancer.mjs [--clients=2000] [--chats=500]
//
// Direct clients are split evenly over the two instances, as the balancer would; a chat line's
// latency is from `chat:send` to the opponent's `chat:message`, opponents on either instance.
// Each path gets CLIENTS connections and CHATS chat lines in all, over two rounds.
import { io } from "socket.io-client";
import { startStack, guest } from "../harness.mjs";
import { startBalancer } from "../balancer.mjs";

const args = Object.fromEntries(process.argv.slice(2).map((a) => a.replace(/^--/, "").split("=")));
const CLIENTS = Number(args.clients ?? 2000);
const CHATS = Number(args.chats ?? 500);

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p99 = (xs) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))];

async function connect(url, player) {
  const started = performance.now();
  const socket = io(url, {
    auth: { token: player.token, protocol: 1 },
    transports: ["websocket"],
    forceNew: true,
    reconnection: false,
  });
  await new Promise((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("connect_error", reject);
  });
  return { socket, ms: performance.now() - started, ...player };
}

/**
 * Connects `players` through `urls` (round robin), pairs them, and times one chat line per pair,
 * up to CHATS in all over the run's rounds.
 */
async function measure(urls, players) {
  const clients = [];
  for (let i = 0; i < players.length; i += 100) {
    const batch = players.slice(i, i + 100).map((p, j) => connect(urls[(i + j) % urls.length], p));
    clients.push(...(await Promise.all(batch)));
  }
  const connectMs = clients.map((c) => c.ms);
  const latencies = [];
  for (let i = 0; i + 1 < clients.length && latencies.length < Math.ceil(CHATS / 2); i += 2) {
    const [a, b] = [clients[i], clients[i + 1]];
    const challenge = await a.socket.timeout(30_000).emitWithAck("challenge:create", {});
    const accepted = await b.socket.timeout(30_000).emitWithAck("challenge:accept", { code: challenge.data.code });
    const battleId = accepted.data.battle_id;
    const received = new Promise((r) => b.socket.once("chat:message", r));
    const sent = performance.now();
    await a.socket.timeout(30_000).emitWithAck("chat:send", { battle_id: battleId, text: "hi" });
    await received;
    latencies.push(performance.now() - sent);
  }
  for (const c of clients) c.socket.close();
  return { connectMs, latencies };
}

const stack = await startStack({ judge: false, battleInstances: 2, battleEnv: { JOUST_TRUSTED_PROXIES: "127.0.0.1" } });
const balancer = await startBalancer(stack);
const paths = { direct: stack.battles, haproxy: [balancer.url] };
// A warm-up on each path, not counted, then the two paths in the order A B B A, so that
// warming and drift of the machine weigh on both alike.
const order = ["direct", "haproxy", "haproxy", "direct"];
const perRound = Math.ceil(CLIENTS / 2);
try {
  const players = [];
  const total = 2 * 100 + order.length * perRound;
  for (let i = 0; i < total; i += 100) {
    const n = Math.min(100, total - i);
    players.push(...(await Promise.all(Array.from({ length: n }, (_, j) => guest(stack.battle, `b${i + j}`)))));
  }
  await measure(paths.direct, players.splice(0, 100));
  await measure(paths.haproxy, players.splice(0, 100));
  const results = { direct: { connectMs: [], latencies: [] }, haproxy: { connectMs: [], latencies: [] } };
  for (const path of order) {
    const r = await measure(paths[path], players.splice(0, perRound));
    results[path].connectMs.push(...r.connectMs);
    results[path].latencies.push(...r.latencies);
  }
  const row = (name, r) =>
    `| ${name} | ${r.connectMs.length} | ${median(r.connectMs).toFixed(1)} | ${p99(r.connectMs).toFixed(1)} | ${r.latencies.length} | ${median(r.latencies).toFixed(2)} | ${p99(r.latencies).toFixed(2)} |`;
  const [direct, balanced] = [results.direct, results.haproxy];
  console.log(
    [
      "| path | clients | connect median ms | connect p99 ms | chat lines | chat median ms | chat p99 ms |",
      "|---|---|---|---|---|---|---|",
      row("direct (two instances)", direct),
      row("through haproxy", balanced),
      `ratio haproxy / direct, medians: connect ${(median(balanced.connectMs) / median(direct.connectMs)).toFixed(2)}, chat ${(median(balanced.latencies) / median(direct.latencies)).toFixed(2)}`,
    ].join("\n"),
  );
} finally {
  await balancer.stop();
  await stack.stop();
}
