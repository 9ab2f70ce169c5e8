// Contended accepts: one open challenge and 100 players, spread over 3 battle instances, who
// accept its code at the same moment. Exactly one gets the battle; the other 99 must hear
// `CHALLENGE_UNAVAILABLE`, and the figure is how long the slowest of the 100 waits for its final
// answer (the goal: under 500 ms). Each round uses fresh players, connected before the race, so
// the clock covers only the accepts.
//
// Usage: node bench/contention.mjs [--rounds=N] [--accepters=N] [--instances=N]
// (JOUST_BIN_DIR names the binaries, release ones for figures).
import { parseArgs } from "node:util";
import { startStack, connectPlayer } from "../harness.mjs";
import { nowMs } from "./clients.mjs";
import { summary } from "./stats.mjs";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "20" },
    accepters: { type: "string", default: "100" },
    instances: { type: "string", default: "3" },
  },
});
const rounds = Number(values.rounds);
const accepterCount = Number(values.accepters);
const instanceCount = Number(values.instances);

/** One race: returns every accepter's wait in ms and how many won and were refused. */
async function race(stack, round) {
  const urls = stack.battles;
  const creator = await connectPlayer(urls[round % urls.length], `c${round}`);
  const accepters = await Promise.all(
    Array.from({ length: accepterCount }, (_, i) => connectPlayer(urls[i % urls.length], `a${round}x${i}`)),
  );
  try {
    const challenge = await creator.request("challenge:create", {});
    if (!challenge.ok) throw new Error(`challenge:create: ${JSON.stringify(challenge)}`);
    const started = nowMs();
    const answers = await Promise.all(
      accepters.map(async (a) => {
        const ack = await a.request("challenge:accept", { code: challenge.data.code });
        return { ack, waitedMs: nowMs() - started };
      }),
    );
    const won = answers.filter((x) => x.ack.ok).length;
    const refused = answers.filter((x) => x.ack.error?.code === "CHALLENGE_UNAVAILABLE").length;
    if (won !== 1 || refused !== accepterCount - 1) {
      const others = answers.filter((x) => !x.ack.ok && x.ack.error?.code !== "CHALLENGE_UNAVAILABLE");
      throw new Error(`round ${round}: ${won} battles, ${refused} unavailable; others ${JSON.stringify(others[0]?.ack)}`);
    }
    return answers.map((x) => x.waitedMs);
  } finally {
    for (const p of [creator, ...accepters]) p.socket.close();
  }
}

const stack = await startStack({ judge: false, battleInstances: instanceCount });
try {
  const slowest = [];
  const everyone = [];
  for (let round = 0; round < rounds; round++) {
    const waits = await race(stack, round);
    slowest.push(Math.max(...waits));
    everyone.push(...waits);
  }
  const ms = (x) => `${x.toFixed(1)} ms`;
  const s = summary(slowest);
  const all = summary(everyone);
  console.log(`${rounds} rounds of ${accepterCount} accepters over ${instanceCount} instances, each 1 battle and ${accepterCount - 1} CHALLENGE_UNAVAILABLE`);
  console.log(`| slowest final answer per round | median ${ms(s.p50)}, p90 ${ms(s.p90)}, max ${ms(s.max)} | goal < 500 ms |`);
  console.log(`| any accepter's answer | p50 ${ms(all.p50)}, p99 ${ms(all.p99)}, max ${ms(all.max)} | |`);
} finally {
  await stack.stop();
}
