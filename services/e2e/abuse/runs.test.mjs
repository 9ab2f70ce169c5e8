// Abuse of practice runs over a real socket (`battle:run`) and over HTTP: payloads of the wrong
// shape or size, runs in battles the player is not in, and a flood past the player's run
// allowance, which the socket and `POST /api/battles/{id}/runs` share. Every refusal is typed
// and counted in `runs_refused_total`. No judge runs: a queued run is all that is asked for.
import { test } from "node:test";
import assert from "node:assert/strict";
import { startStack, connectPlayer, metric, assertRetryHints } from "../harness.mjs";

const SOURCE = "print(1)";

/** A started battle between two fresh players on `stack`. */
async function startedBattle(stack, names) {
  const [a, b] = [await connectPlayer(stack.battle, names[0]), await connectPlayer(stack.battle, names[1])];
  const created = await a.request("challenge:create", {});
  const accepted = await b.request("challenge:accept", { code: created.data.code });
  assert.equal(accepted.ok, true, JSON.stringify(accepted));
  const battleId = accepted.data.battle_id;
  await a.waitFor((e) => e.type === "battle.started" && e.battle_id === battleId);
  return { a, b, battleId };
}

const refusedRuns = (stack, code) => metric(stack.battle, "runs_refused_total", `code="${code}"`);

test("battle:run refuses bad payloads and outsiders with typed errors", async () => {
  const stack = await startStack({ judge: false });
  const { a, b, battleId } = await startedBattle(stack, ["ann", "ben"]);
  const outsider = await connectPlayer(stack.battle, "oz");
  try {
    const big = "x".repeat(65 * 1024);
    const shapes = [
      [battleId, "c", SOURCE],
      "run",
      null,
      {},
      { battle_id: battleId, language: "c" },
      { battle_id: battleId, language: "c", source: SOURCE, extra: 1 },
      { battle_id: "not-a-uuid", language: "c", source: SOURCE },
      { battle_id: battleId, language: "cobol", source: SOURCE },
      { battle_id: battleId, language: "c", source: "   " },
      { battle_id: battleId, language: "python", source: big },
      { battle_id: battleId, language: "python", source: SOURCE, input: big },
    ];
    for (const payload of shapes) {
      const ack = await a.request("battle:run", payload);
      assert.equal(ack.error?.code, "INVALID_PAYLOAD", `${JSON.stringify(payload).slice(0, 80)}: ${JSON.stringify(ack)}`);
    }
    const before = await refusedRuns(stack, "NOT_A_PARTICIPANT");
    const intruding = await outsider.request("battle:run", { battle_id: battleId, language: "python", source: SOURCE });
    assert.equal(intruding.error?.code, "NOT_A_PARTICIPANT", JSON.stringify(intruding));
    assert.equal(await refusedRuns(stack, "NOT_A_PARTICIPANT"), before + 1);
    const unknown = await a.request("battle:run", {
      battle_id: "00000000-0000-4000-8000-000000000000",
      language: "python",
      source: SOURCE,
    });
    assert.equal(unknown.error?.code, "BATTLE_NOT_FOUND", JSON.stringify(unknown));
    // Without a token the HTTP way in is closed too.
    const anonymous = await fetch(`${stack.battle}/api/battles/${battleId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ language: "python", source: SOURCE }),
    });
    assert.equal(anonymous.status, 401);
    assert.equal((await anonymous.json()).error.code, "UNAUTHORIZED");
    // After all of that, a well-formed run by a player is still queued.
    const fine = await a.request("battle:run", { battle_id: battleId, language: "python", source: SOURCE });
    assert.equal(fine.ok, true, JSON.stringify(fine));
  } finally {
    for (const p of [a, b, outsider]) p.socket.close();
    await stack.stop();
  }
});

test("a run flood over the socket is RATE_LIMITED, and HTTP shares the allowance", async () => {
  // Production limits: `JOUST_RATE_RUN` is 0.2 runs/s with a burst of 5.
  const stack = await startStack({ judge: false, limits: "production" });
  const { a, b, battleId } = await startedBattle(stack, ["cal", "dee"]);
  try {
    const limited = 'class="run",limit="user_rate"';
    const [limitedBefore, refusedBefore] = [
      await metric(stack.battle, "socket_events_limited_total", limited),
      await refusedRuns(stack, "RATE_LIMITED"),
    ];
    const run = () => a.request("battle:run", { battle_id: battleId, language: "python", source: SOURCE });
    const acks = await Promise.all(Array.from({ length: 12 }, run));
    const ok = acks.filter((x) => x.ok).length;
    const refused = acks.filter((x) => x.error?.code === "RATE_LIMITED");
    // The burst, plus at most one refill while the flood ran.
    assert.ok(ok >= 5 && ok <= 6, JSON.stringify(acks));
    assert.equal(ok + refused.length, acks.length, JSON.stringify(acks));
    assertRetryHints(acks);
    assert.equal(await metric(stack.battle, "socket_events_limited_total", limited), limitedBefore + refused.length);
    assert.equal(await refusedRuns(stack, "RATE_LIMITED"), refusedBefore + refused.length);
    const overHttp = await fetch(`${stack.battle}/api/battles/${battleId}/runs`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${a.token}` },
      body: JSON.stringify({ language: "python", source: SOURCE }),
    });
    assert.equal(overHttp.status, 429);
    assert.equal((await overHttp.json()).error.code, "RATE_LIMITED");
    // The opponent's allowance is their own.
    const theirs = await b.request("battle:run", { battle_id: battleId, language: "python", source: SOURCE });
    assert.equal(theirs.ok, true, JSON.stringify(theirs));
  } finally {
    for (const p of [a, b]) p.socket.close();
    await stack.stop();
  }
});
