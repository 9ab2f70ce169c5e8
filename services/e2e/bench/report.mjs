// Renders the benchmark's figures as the markdown that `docs/benchmarks.md` collects.
import { ackRows } from "./ack.mjs";

const ms = (v) => (v === null || v === undefined ? "n/a" : `${v.toFixed(v < 10 ? 2 : 1)} ms`);
const num = (v, digits = 0) => v.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const kib = (bytes) => `${num(bytes / 1024, 1)} KiB`;
const mib = (bytes) => `${num(bytes / 1024 / 1024, 1)} MiB`;
const histMs = ({ ms: v, overflow }) => (overflow ? `> ${ms(v)}` : ms(v));

const total = (counts) => counts.reduce((a, b) => a + b, 0);

/** CPU milliseconds the `groups` spent per operation over a phase. */
function cpuPer(phase, groups, operations) {
  const cores = groups.reduce((sum, g) => sum + phase.cpu.cores[g], 0);
  return (cores * phase.seconds * 1000) / Math.max(1, operations);
}

function cpuRow(name, phase) {
  const { cores, waiting, pressure } = phase.cpu;
  const cell = (group) => `${num(cores[group], 2)} / ${num(waiting[group], 2)}`;
  return `| ${name} | ${num(phase.seconds, 1)} s | ${cell("battleA")} | ${cell("battleB")} | ${cell("loadgen")} | ${cell("redis")} | ${cell("postgres")} | ${num(cores.other, 2)} | ${num(cores.machine, 2)} | ${num(pressure * 100)} % | ${num(phase.loop.utilization * 100)} % / ${ms(phase.loop.delayP99Ms)} |`;
}

/** The results section: parameters, the figures table, and where the CPU went in each phase. */
export function render(r) {
  const { options: o } = r;
  if (o.ackOnly) return ["| figure | result | details |", "|---|---|---|", ...ackRows(r.ack, ms)].join("\n");
  const perConn = r.memory.perConnection.map((b) => kib(b)).join(" / ");
  const lines = [
    `Parameters: ${num(o.perInstance)} connections per instance on 2 instances (websocket transport), ` +
      `${o.handshakeConcurrency} handshakes in flight, hold ${o.holdSeconds} s; ${num(o.duels)} duels with their players on ` +
      `different instances, chat at ${num(o.chatRate)} lines/s for ${o.chatSeconds} s; ${num(o.lockPairs)} challenge ` +
      `pairs with ${o.lockConcurrency} in flight, then ${num(o.lockRaces)} codes accepted at once from both instances.`,
    "",
    "| figure | result | details |",
    "|---|---|---|",
    `| guest logins (setup) | ${num(r.logins.perSecond)} /s | ${num(r.logins.count)} players, ${o.loginConcurrency} in flight |`,
    `| handshakes/s (2 instances) | ${num(r.ramp.perSecond)} /s | handshake p50 ${ms(r.ramp.handshake.p50)}, p99 ${ms(r.ramp.handshake.p99)}; refused: ${r.ramp.errors}; rate-limited retries: ${r.ramp.rateLimited}; CPU per handshake: battle service ${ms(cpuPer(r.ramp, ["battleA", "battleB"], total(r.ramp.opened)))}, load generator ${ms(cpuPer(r.ramp, ["loadgen"], total(r.ramp.opened)))} |`,
    `| stable connections per instance | ${r.hold.serverConnected.map((n) => num(n)).join(" / ")} | of ${num(o.perInstance)} opened each; ${num(r.hold.clientConnected)} connected client-side after ${r.hold.holdSeconds} s; disconnects during hold ${r.hold.disconnects}, whole run ${r.disconnects} |`,
    `| memory per connection | ${perConn} | RSS ${r.memory.before.map(mib).join(" / ")} before, ${r.memory.after.map(mib).join(" / ")} after (instance A / B); load generator ${r.memory.loadgenPerConnection.map(kib).join(" / ")} per connection (its two processes) |`,
    `| cross-instance chat latency | p50 ${ms(r.chat.cross.p50)}, p99 ${ms(r.chat.cross.p99)} | at ${num(r.chat.rate)} lines/s sent (target ${num(r.chat.targetRate)}), ${num(r.chat.duels)} duels; p90 ${ms(r.chat.cross.p90)}, max ${ms(r.chat.cross.max)}; ${num(r.chat.cross.count)} received, ${r.chat.lost} lost, ${r.chat.dropped} dropped by server outboxes; errors: ${r.chat.errors} |`,
    `| cross-instance chat p99 by ${r.chat.windowSeconds} s window | ${r.chat.windowsP99.map(ms).join(", ")} | the same lines, by when they were sent |`,
    `| chat server side | handler p50 ${histMs(r.chat.server.handler.p50)}, p99 ${histMs(r.chat.server.handler.p99)}; Redis pub/sub round trip p99 ${histMs(r.chat.server.pubsub.p99)} | \`handler_duration_seconds{handler="chat:send"}\` (a read of the battle snapshot and a publish, both in Redis) and \`redis_pubsub_roundtrip_seconds\` deltas, both instances |`,
    `| chat CPU per line | battle service ${ms(cpuPer(r.chat, ["battleA", "battleB"], r.chat.sent))}, postgres ${ms(cpuPer(r.chat, ["postgres"], r.chat.sent))}, redis ${ms(cpuPer(r.chat, ["redis"], r.chat.sent))}, load generator ${ms(cpuPer(r.chat, ["loadgen"], r.chat.sent))} | CPU time over the chat phase divided by the lines sent (each line: one \`chat:send\`, its ack and two deliveries) |`,
    `| same-instance echo / chat ack | p50 ${ms(r.chat.echo.p50)}, p99 ${ms(r.chat.echo.p99)} / p50 ${ms(r.chat.ack.p50)}, p99 ${ms(r.chat.ack.p99)} | the sender's own copy, through Redis; the \`chat:send\` ack |`,
    ...ackRows(r.ack, ms),
  ];
  for (const phase of [r.lock, r.race]) {
    const s = phase.server;
    const what = phase.race ? "contended creation (2 acceptors per code)" : "battle creation";
    lines.push(
      `| ${what}: accept ack | p50 ${ms(phase.accept.p50)}, p99 ${ms(phase.accept.p99)} | ${num(phase.pairs)} codes, ${phase.concurrency} in flight, ${num(phase.perSecond)} codes/s; outcomes: ${phase.outcomes}${phase.race ? `; codes with exactly one battle: ${num(phase.oneBattlePerCode)}` : ""} |`,
      `| ${what}: server side | lock acquire p50 ${histMs(s.acquire.p50)}, p99 ${histMs(s.acquire.p99)}; lock hold p50 ${histMs(s.hold.p50)}, p99 ${histMs(s.hold.p99)}; handler p50 ${histMs(s.handler.p50)}, p99 ${histMs(s.handler.p99)} | \`lock_acquire_duration_seconds\` (${num(s.acquire.p50.count)} samples), \`lock_hold_duration_seconds\` and \`handler_duration_seconds{handler="challenge:accept"}\` bucket deltas, both instances |`,
    );
  }
  lines.push(
    "",
    "CPU by phase. Per process group: cores busy / threads waiting for a CPU (both averaged over the phase; the machine has 2 cores, " +
      "`other` is every other process on it). `CPU pressure`: share of the time some task waited for a CPU. `loop`: the load " +
      "generator's busiest event loop, utilization / p99 delay.",
    "",
    "| phase | wall | battle A | battle B | load generator | redis | postgres | other | machine | CPU pressure | loop |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    cpuRow("logins", r.logins),
    cpuRow("handshakes", r.ramp),
    cpuRow("hold", r.hold),
    cpuRow("chat", r.chat),
    cpuRow("battle creation", r.lock),
    cpuRow("contended creation", r.race),
  );
  return lines.join("\n");
}
