// Fencing under a lost lock, across three real battle instances sharing PostgreSQL and Redis.
//
// Lock renewal is switched off and the first battle creation of a pairing on each instance is
// stalled well past the lock's TTL (the JOUST_LOCK_TEST_HOLD_MS fault injection), so the lock
// expires under that holder while later holders, with newer fencing tokens, go ahead. Fifty
// rematch requests for the same pair of players race over the three instances: exactly one
// battle must come out, and the stalled holders' late writes must be refused by fencing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, psql, metric } from "./harness.mjs";

const HOLD_MS = 2500;
let stack;
before(async () => {
  stack = await startStack({
    judge: false,
    battleInstances: 3,
    countdownMs: 60_000,
    battleEnv: {
      JOUST_LOCK_AUTO_RENEW: "false",
      JOUST_LOCK_TTL_MS: "100",
      JOUST_LOCK_TEST_HOLD_MS: String(HOLD_MS),
    },
  });
});
after(async () => {
  await stack?.stop();
});

/** Sends until the answer is final: lock contention (LOCK_BUSY, LOCK_LOST) is retried. */
async function untilFinal(player, event, payload) {
  for (;;) {
    const ack = await player.request(event, payload);
    if (ack.ok || !["LOCK_BUSY", "LOCK_LOST"].includes(ack.error.code)) return ack;
    await new Promise((r) => setTimeout(r, 20 + Math.random() * 30));
  }
}

test("50 racing rematches over 3 instances with expiring locks create exactly one battle", async () => {
  const [ada, bo] = [await guest(stack.battle, "ada"), await guest(stack.battle, "bo")];
  const sockets = [];
  for (const url of stack.battles) {
    sockets.push(await connectAs(url, ada), await connectAs(url, bo));
  }
  try {
    const challenge = await sockets[0].request("challenge:create", {});
    const first = await untilFinal(sockets[1], "challenge:accept", { code: challenge.data.code });
    assert.equal(first.ok, true, JSON.stringify(first));
    const previous = first.data.battle_id;
    // The first battle is over, so the pair may have another one.
    psql(stack.database, `UPDATE battles SET status = 'finished', outcome = 'draw' WHERE id = '${previous}'`);

    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        untilFinal(sockets[i % sockets.length], "battle:rematch", { battle_id: previous }),
      ),
    );
    const codes = acks.map((a) => (a.ok ? "OK" : a.error.code));
    const winners = acks.filter((a) => a.ok);
    assert.equal(winners.length, 1, codes.join(" "));
    assert.ok(
      codes.every((c) => ["OK", "BATTLE_EXISTS", "FENCING_REJECTED"].includes(c)),
      codes.join(" "),
    );

    const pairing = [ada.userId, bo.userId].sort();
    const active = psql(
      stack.database,
      `SELECT count(*) FROM battles WHERE pairing_key = 'pair:${pairing[0]}:${pairing[1]}' AND status <> 'finished'`,
    );
    assert.equal(active, "1");
    assert.equal(psql(stack.database, "SELECT count(*) FROM battles"), "2");
    const [winnerId, token] = psql(
      stack.database,
      `SELECT id, fencing_token FROM battles WHERE id <> '${previous}'`,
    ).split("|");
    assert.equal(winnerId, winners[0].data.battle_id);
    assert.equal(
      psql(stack.database, `SELECT token >= ${token} FROM fencing WHERE resource = 'pair:${pairing[0]}:${pairing[1]}'`),
      "t",
    );

    // Every refusal is counted, on the instance that refused it, and at least one stalled
    // holder was refused: the lock alone did not prevent its late write.
    const rejections = codes.filter((c) => c === "FENCING_REJECTED").length;
    assert.ok(rejections >= 1, codes.join(" "));
    let counted = 0;
    for (const url of stack.battles) counted += await metric(url, "fencing_rejections_total");
    assert.equal(counted, rejections);
    let lost = 0;
    for (const url of stack.battles) lost += await metric(url, "lock_lost_total");
    assert.ok(lost >= rejections, `lock_lost_total ${lost}`);
  } finally {
    for (const s of sockets) s.socket.close();
  }
});
