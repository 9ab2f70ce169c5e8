// Ack round trip: one client sends events one at a time, each as soon as the previous one's ack
// arrived, so every sample is one request and its answer on an idle connection (loopback). Two
// events: one the server answers without any work (an unknown event, answered `UNKNOWN_EVENT`),
// which is the transport alone, and `chat:send` in a started battle (a snapshot read and the
// chat script in Redis).
import { guest, connectAs } from "../harness.mjs";
import { nowMs } from "./clients.mjs";
import { summary } from "./stats.mjs";

/** Round trips of `count` sequential requests of `event`, in milliseconds. */
async function sequential(player, count, event, payload) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    const started = nowMs();
    await player.socket.timeout(10_000).emitWithAck(event, payload(i));
    samples.push(nowMs() - started);
  }
  return samples;
}

/** Measures both round trips against the instance at `url`; `count` requests each, after a warm-up. */
export async function ackRoundTrip(url, count) {
  const alice = await connectAs(url, await guest(url, "ack-alice"));
  const bob = await connectAs(url, await guest(url, "ack-bob"));
  try {
    const challenge = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    const battleId = accepted.data.battle_id;
    await alice.waitFor((e) => e.type === "battle.started" && e.battle_id === battleId);
    const unknown = () => ({});
    const chat = (i) => ({ battle_id: battleId, text: `ping ${i}` });
    await sequential(alice, 100, "bench:ping", unknown);
    const transport = summary(await sequential(alice, count, "bench:ping", unknown));
    await sequential(alice, 100, "chat:send", chat);
    const chatSend = summary(await sequential(alice, count, "chat:send", chat));
    return { count, transport, chat: chatSend };
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
}

/** The report rows of the ack phase. */
export function ackRows(r, ms) {
  return [
    `| ack round trip, transport only | p50 ${ms(r.transport.p50)}, p99 ${ms(r.transport.p99)} | ${r.count} sequential requests of an unknown event (answered at once) on one idle websocket, loopback; p90 ${ms(r.transport.p90)}, max ${ms(r.transport.max)}; goal p50 < 2 ms |`,
    `| ack round trip, \`chat:send\` | p50 ${ms(r.chat.p50)}, p99 ${ms(r.chat.p99)} | ${r.count} sequential lines in a started battle; p90 ${ms(r.chat.p90)}, max ${ms(r.chat.max)} |`,
  ];
}
