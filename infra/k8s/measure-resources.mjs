// Measures what each service uses, idle and under load, for the requests and limits of
// infra/k8s (results in docs/deployment.md). Starts one executor, one judge and one battle
// service (the release binaries of JOUST_BIN_DIR) on a fresh database and Redis prefix, then:
//   idle:   all three ready and doing nothing;
//   loaded: --connections open Socket.IO connections held on the battle service while
//           --duels duels run at once, in --rounds rounds, each with a wrong Python submission
//           and an accepted C or C++ one (alternately; the C++ one fills and scans 46 MiB)
//           through judge and executor.
// Memory is the peak RSS of each process with its children (the executor's jailed compilers
// count against its pod, as they do in its cgroup), sampled every 100 ms; CPU is cores used
// on average over the phase, children included.
//
//   cd services/e2e && JOUST_BIN_DIR=<target>/release node ../../infra/k8s/measure-resources.mjs
import { randomUUID } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { parseArgs } from "node:util";
import { startStack, connectPlayer, guest } from "../../services/e2e/harness.mjs";
import { RIGHT_C, WRONG_PYTHON } from "../../services/e2e/solutions.mjs";
import { startWorker } from "../../services/e2e/bench/phases.mjs";
import { pool } from "../../services/e2e/bench/clients.mjs";

const { values: args } = parseArgs({
  options: {
    connections: { type: "string", default: "5000" },
    duels: { type: "string", default: "10" },
    rounds: { type: "string", default: "3" },
    "idle-seconds": { type: "string", default: "20" },
  },
});
const TICKS_PER_SECOND = 100;
/**
 * Accepted for `sum-of-two`, with the work of a real solution: it fills 46 MiB (the problem
 * allows 64) and passes over it a few times before answering.
 */
const RIGHT_CPP = `#include <bits/stdc++.h>
int main() {
    std::vector<long long> v(6000000);
    for (size_t i = 0; i < v.size(); ++i) v[i] = (long long)i * 7 % 1000003;
    long long odd = 0;
    for (int pass = 0; pass < 2; ++pass)
        for (size_t i = 0; i < v.size(); ++i) odd += v[(i * 31 + pass) % v.size()] & 1;
    long long a, b;
    std::cin >> a >> b;
    std::cout << a + b + (odd < 0) << "\\n";
}
`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Parent of every process, from /proc. */
function parents() {
  const parent = new Map();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
    } catch {
      // exited meanwhile
    }
  }
  return parent;
}

/** `root` and every process below it. */
function tree(root, parent = parents()) {
  const pids = [root];
  for (let i = 0; i < pids.length; i++) {
    for (const [pid, ppid] of parent) if (ppid === pids[i]) pids.push(pid);
  }
  return pids;
}

function rssBytes(pid) {
  try {
    return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) * 1024;
  } catch {
    return 0;
  }
}

/** CPU seconds of a process and of its children that it has waited for. */
function cpuWithChildren(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Samples peak RSS (tree) and CPU of each named process until `stop()`. */
function meter(processes) {
  const peak = Object.fromEntries(Object.keys(processes).map((n) => [n, 0]));
  const cpu0 = Object.fromEntries(Object.entries(processes).map(([n, pid]) => [n, cpuWithChildren(pid)]));
  const started = performance.now();
  const timer = setInterval(() => {
    const parent = parents();
    for (const [name, pid] of Object.entries(processes)) {
      const bytes = tree(pid, parent).reduce((sum, p) => sum + rssBytes(p), 0);
      peak[name] = Math.max(peak[name], bytes);
    }
  }, 100);
  return () => {
    clearInterval(timer);
    const seconds = (performance.now() - started) / 1000;
    return Object.fromEntries(
      Object.entries(processes).map(([n, pid]) => [
        n,
        { peakMiB: peak[n] / 2 ** 20, cores: (cpuWithChildren(pid) - cpu0[n]) / seconds, seconds },
      ]),
    );
  };
}

/**
 * One duel: a wrong Python answer, then an accepted C (even `i`) or C++ answer. Each
 * source ends with a unique comment, so that the executor compiles it as it would a real
 * contestant's instead of answering from its cache.
 */
async function duel(battleUrl, i) {
  const alice = await connectPlayer(battleUrl, `alice-${i}`);
  const bob = await connectPlayer(battleUrl, `bob-${i}`);
  try {
    const created = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: created.data.code });
    if (!accepted.ok) throw new Error(`accept failed: ${JSON.stringify(accepted)}`);
    const battleId = accepted.data.battle_id;
    await alice.waitFor((e) => e.type === "battle.started" && e.battle_id === battleId);
    const nonce = randomUUID();
    const wrong = await alice.request("battle:submit", {
      battle_id: battleId,
      language: "python",
      source: `${WRONG_PYTHON}# ${nonce}\n`,
    });
    await alice.waitFor((e) => e.type === "submission.judged" && e.data.submission_id === wrong.data.submission_id, 300_000);
    const right = { language: i % 2 === 0 ? "c" : "cpp", source: `${i % 2 === 0 ? RIGHT_C : RIGHT_CPP}// ${nonce}\n` };
    const submitted = await bob.request("battle:submit", { battle_id: battleId, ...right });
    if (!submitted.ok) throw new Error(`submit failed: ${JSON.stringify(submitted)}`);
    // The verdict, whichever it is: on a loaded machine the C++ answer may run out of time.
    await bob.waitFor((e) => e.type === "submission.judged" && e.data.submission_id === submitted.data.submission_id, 300_000);
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
}

function print(phase, figures) {
  for (const [name, f] of Object.entries(figures)) {
    console.log(
      `| ${phase} | ${name} | ${f.peakMiB.toFixed(1)} MiB | ${f.cores.toFixed(3)} | ${f.seconds.toFixed(0)} s |`,
    );
  }
}

const stack = await startStack({ battleInstances: 1, countdownMs: 300 });
const [executor, judge, battle] = stack.children.map((c) => c.pid);
const processes = { executor, judge, battle };
let worker;
try {
  console.log("| phase | service | peak RSS (with children) | CPU cores (average) | duration |");
  console.log("|---|---|---|---|---|");
  await sleep(5_000);
  let stop = meter(processes);
  await sleep(Number(args["idle-seconds"]) * 1000);
  print("idle", stop());

  const connections = Number(args.connections);
  const players = new Array(connections);
  await pool(connections, 64, async (i) => {
    players[i] = await guest(stack.battle, `held-${i}`);
  });
  stop = meter(processes);
  worker = startWorker();
  const opened = await worker.call("connect", { url: stack.battle, players, concurrency: 128 });
  const started = performance.now();
  for (let round = 0; round < Number(args.rounds); round++) {
    await Promise.all(Array.from({ length: Number(args.duels) }, (_, i) => duel(stack.battle, round * 1000 + i)));
  }
  const duelSeconds = (performance.now() - started) / 1000;
  print("loaded", stop());
  console.log(
    `\n${opened.opened} connections held; ${Number(args.rounds) * Number(args.duels)} duels ` +
      `(${2 * Number(args.rounds) * Number(args.duels)} submissions) in ${duelSeconds.toFixed(0)} s`,
  );
} finally {
  worker?.stop();
  await stack.stop();
}
