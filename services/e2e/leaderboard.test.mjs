// The live leaderboard across two real battle instances: lobby sockets on both that sent
// `leaderboard:subscribe` get the new top 100 when a finished battle changes it, with both
// players' new ratings; an unsubscribed socket gets nothing.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, guest, connectAs, until } from "./harness.mjs";

let stack;
before(async () => {
  stack = await startStack({ judge: false, battleInstances: 2, countdownMs: 300 });
});
after(async () => {
  await stack?.stop();
});

test("a finished battle pushes the new top 100 to subscribers on every instance", async () => {
  const alice = await connectAs(stack.battles[0], await guest(stack.battle, "alice"));
  const bob = await connectAs(stack.battles[1], await guest(stack.battle, "bob"));
  const carol = await connectAs(stack.battles[0], await guest(stack.battle, "carol"));
  const dave = await connectAs(stack.battles[1], await guest(stack.battle, "dave"));
  const erin = await connectAs(stack.battles[1], await guest(stack.battle, "erin"));
  const sockets = [alice, bob, carol, dave, erin];
  try {
    const pushes = { carol: [], dave: [], erin: [] };
    for (const p of [carol, dave, erin]) p.socket.on("leaderboard:top", (top) => pushes[p.name].push(top));

    // Nobody is rated yet: the current top is empty.
    for (const p of [carol, dave, erin]) {
      const subscribed = await p.request("leaderboard:subscribe", {});
      assert.equal(subscribed.ok, true, JSON.stringify(subscribed));
      assert.deepEqual(subscribed.data.players, []);
    }
    assert.equal((await erin.request("leaderboard:unsubscribe", {})).ok, true);
    assert.equal((await carol.request("leaderboard:subscribe", { extra: 1 })).error.code, "INVALID_PAYLOAD");

    const challenge = await alice.request("challenge:create", {});
    const accepted = await bob.request("challenge:accept", { code: challenge.data.code });
    const battleId = accepted.data.battle_id;
    await alice.request("battle:resign", { battle_id: battleId });
    const finished = await bob.waitFor((e) => e.type === "battle.finished");
    const ratings = Object.fromEntries(finished.data.ratings.map((r) => [r.user_id, r]));
    assert.ok(ratings[bob.userId].rating_after > 1200 && ratings[alice.userId].rating_after < 1200);

    await until(() => pushes.carol.length === 1 && pushes.dave.length === 1, "a push on both instances");
    for (const top of [pushes.carol[0], pushes.dave[0]]) {
      assert.deepEqual(
        top.players.map((p) => [p.user_id, p.rating, p.provisional]),
        [
          [bob.userId, ratings[bob.userId].rating_after, true],
          [alice.userId, ratings[alice.userId].rating_after, true],
        ],
      );
    }
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(pushes.carol.length, 1, "one push per change");
    assert.equal(pushes.erin.length, 0, "an unsubscribed socket gets nothing");

    // The HTTP leaderboard agrees, and ranks each player.
    const page = await (await fetch(`${stack.battle}/api/leaderboard?limit=10`)).json();
    assert.deepEqual(page.players.map((p) => p.user_id), [bob.userId, alice.userId]);
    const rank = await (await fetch(`${stack.battle}/api/leaderboard/rank/${alice.userId}`)).json();
    assert.equal(rank.rank, 2);
  } finally {
    for (const s of sockets) s.socket.close();
  }
});
