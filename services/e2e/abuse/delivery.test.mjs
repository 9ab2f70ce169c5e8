// Delivery abuse against real battle processes: a submission after the battle's end, an event
// sent right after connecting, and a burst of 10,000 events from one client whose acks must all
// arrive although the socket's buffer is kept tiny.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startStack, guest, connectAs, psql, until } from "../harness.mjs";

const BATTLE_LENGTH_MS = 1_500;
let stack;
before(async () => {
  stack = await startStack({
    judge: false,
    battleInstances: 2,
    countdownMs: 200,
    battleEnv: {
      JOUST_BATTLE_LENGTH_MS: String(BATTLE_LENGTH_MS),
      // A buffer this small is full all the time in a burst: every ack has to wait for room.
      JOUST_SOCKET_BUFFER: "16",
      JOUST_HANDSHAKE_RATE: "100000",
      JOUST_HANDSHAKE_BURST: "100000",
    },
  });
});
after(async () => {
  await stack?.stop();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let battles = 0;

/** A battle between two new guests (names are unique), one on each instance, once it has started. */
async function startedBattle() {
  battles += 1;
  const alice = await connectAs(stack.battles[0], await guest(stack.battle, `alice${battles}`));
  const bob = await connectAs(stack.battles[1], await guest(stack.battle, `bob${battles}`));
  const challenge = await alice.request("challenge:create", {});
  const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
  assert.equal(accepted.ok, true, JSON.stringify(accepted));
  const battleId = accepted.data.battle_id;
  await alice.waitFor((e) => e.type === "battle.started" && e.battle_id === battleId);
  return { alice, bob, battleId };
}

test("a correct submission after the end is refused, not judged", async () => {
  const { alice, bob, battleId } = await startedBattle();
  try {
    // Alice's submission in time awaits its verdict (no judge runs), so the battle stays open
    // past its end, as it does while a real judge works.
    const inTime = await alice.request("battle:submit", { battle_id: battleId, language: "python", source: "print(0)" });
    assert.equal(inTime.ok, true, JSON.stringify(inTime));
    const endsAt = psql(stack.database, `SELECT extract(epoch FROM ends_at) * 1000 FROM battles WHERE id = '${battleId}'`);
    await sleep(Math.max(0, Number(endsAt) - Date.now()) + 200);
    const late = await bob.request("battle:submit", {
      battle_id: battleId,
      language: "python",
      source: "print(sum(map(int, input().split())))",
    });
    assert.equal(late.ok, false, JSON.stringify(late));
    assert.equal(late.error.code, "BATTLE_OVER");
    assert.equal(psql(stack.database, `SELECT count(*) FROM submissions WHERE user_id = '${bob.userId}'`), "0");
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});

test("an event sent as soon as the socket connects is answered", async () => {
  const player = await guest(stack.battle, "eager");
  const attempts = 1_000;
  let answered = 0;
  const one = async (i) => {
    const socket = io(stack.battles[i % 2], {
      auth: { token: player.token, protocol: 1 },
      transports: ["websocket"],
      reconnection: false,
      forceNew: true,
    });
    try {
      const ack = await new Promise((resolve, reject) => {
        socket.once("connect_error", reject);
        // Sent from the connect callback: the first packet after the server's CONNECT.
        socket.once("connect", () => {
          socket
            .timeout(5_000)
            .emitWithAck("battle:state", { battle_id: "00000000-0000-4000-8000-000000000000" })
            .then(resolve, reject);
        });
      });
      assert.equal(ack.error.code, "BATTLE_NOT_FOUND");
      answered++;
    } finally {
      socket.close();
    }
  };
  for (let i = 0; i < attempts; i += 50) {
    await Promise.all(Array.from({ length: Math.min(50, attempts - i) }, (_, k) => one(i + k)));
  }
  assert.equal(answered, attempts);
});

test("10,000 events in one burst, chat and state reads: every ack arrives", async () => {
  const { alice, bob, battleId } = await startedBattle();
  try {
    const total = 10_000;
    let acked = 0;
    let ok = 0;
    const codes = new Map();
    const seqs = [];
    bob.socket.on("chat:message", (m) => seqs.push(m.seq));
    alice.socket.on("chat:message", () => {});
    const answered = (err, ack) => {
      if (err) return;
      acked++;
      if (ack.ok) ok++;
      else codes.set(ack.error.code, (codes.get(ack.error.code) ?? 0) + 1);
    };
    // Chat lines run one after the other; state reads all at once, so their acks and the
    // relayed lines compete for the connection's buffer.
    for (let i = 0; i < total; i++) {
      const [event, payload] =
        i % 2 === 0 ? ["chat:send", { battle_id: battleId, text: `line ${i}` }] : ["battle:state", { battle_id: battleId }];
      alice.socket.timeout(120_000).emit(event, payload, answered);
    }
    await until(() => acked === total, "every ack", 120_000).catch(() => {});
    assert.equal(acked, total, "acks that arrived");
    // Refusals (a rate limit, say) are answers too.
    assert.ok(ok > 0, JSON.stringify([...codes]));
    // The opponent, who cannot keep up with a tiny buffer, may miss lines, never their order.
    await until(() => seqs.length > 0, "a line at bob");
    assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]), "chat out of order");
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});
