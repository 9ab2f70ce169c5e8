// One full duel through the public protocol, with the official socket.io-client against the three
// real binaries: challenge, accept, countdown, problem reveal, a wrong answer, an accepted answer,
// the winner, resume, and the typed errors of bad requests.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { io } from "socket.io-client";
import { startStack, connectPlayer, psql, metricsText } from "./harness.mjs";
import { RIGHT_C, WRONG_PYTHON } from "./solutions.mjs";

let stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack?.stop();
});


test("two players duel: a wrong answer, then an accepted one wins", async () => {
  const alice = await connectPlayer(stack.battle, "alice");
  const bob = await connectPlayer(stack.battle, "bob");
  try {
    const created = await alice.request("challenge:create", {});
    assert.equal(created.ok, true, JSON.stringify(created));
    const { code } = created.data;
    assert.match(code, /^[A-Z0-9]{8}$/);

    const own = await alice.request("challenge:accept", { code });
    assert.equal(own.error?.code, "OWN_CHALLENGE");

    const accepted = await bob.request("challenge:accept", { code });
    assert.equal(accepted.ok, true, JSON.stringify(accepted));
    const battleId = accepted.data.battle_id;

    const again = await alice.request("challenge:accept", { code });
    assert.equal(again.ok, false);

    for (const player of [alice, bob]) {
      const createdEvent = await player.waitFor((e) => e.type === "battle.created");
      assert.equal(createdEvent.battle_id, battleId);
      assert.equal(createdEvent.seq, 1);
      const started = await player.waitFor((e) => e.type === "battle.started");
      assert.equal(started.data.problem.slug, "sum-of-two");
      assert.ok(started.data.problem.samples.length >= 1);
    }

    const wrong = await alice.request("battle:submit", { battle_id: battleId, language: "python", source: WRONG_PYTHON });
    assert.equal(wrong.ok, true, JSON.stringify(wrong));
    for (const player of [alice, bob]) {
      const verdict = await player.waitFor(
        (e) => e.type === "submission.judged" && e.data.submission_id === wrong.data.submission_id,
      );
      assert.equal(verdict.data.verdict, "WA");
      assert.equal(verdict.data.user_id, alice.userId);
    }

    const right = await bob.request("battle:submit", { battle_id: battleId, language: "c", source: RIGHT_C });
    assert.equal(right.ok, true, JSON.stringify(right));
    for (const player of [alice, bob]) {
      const verdict = await player.waitFor(
        (e) => e.type === "submission.judged" && e.data.submission_id === right.data.submission_id,
      );
      assert.equal(verdict.data.verdict, "AC");
      assert.equal(verdict.data.passed_tests, verdict.data.total_tests);
      const finished = await player.waitFor((e) => e.type === "battle.finished");
      assert.equal(finished.data.winner_id, bob.userId);
    }

    const late = await alice.request("battle:submit", { battle_id: battleId, language: "c", source: RIGHT_C });
    assert.equal(late.error?.code, "BATTLE_FINISHED");

    const [status, winner] = psql(stack.database, `SELECT status, winner_id FROM battles WHERE id = '${battleId}'`).split("|");
    assert.equal(status, "finished");
    assert.equal(winner, bob.userId);

    // Every event is in the log, in order, and a client that saw only the first gets the rest.
    const resumed = await alice.request("battle:resume", { battle_id: battleId, last_seq: 1 });
    assert.equal(resumed.ok, true);
    const seqs = resumed.data.events.map((e) => e.seq);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 2));
    assert.deepEqual(
      resumed.data.events.map((e) => e.type),
      ["battle.started", "submission.received", "submission.judged", "submission.received", "submission.judged", "battle.finished"],
    );
    const received = alice.events.map((e) => e.seq);
    assert.deepEqual(received, [1, ...seqs]);
  } finally {
    alice.socket.close();
    bob.socket.close();
  }
});

test("bad requests get typed error acks", async () => {
  const carol = await connectPlayer(stack.battle, "carol");
  try {
    assert.equal((await carol.request("battle:fly", {})).error.code, "UNKNOWN_EVENT");
    assert.equal((await carol.request("challenge:accept", { nope: 1 })).error.code, "INVALID_PAYLOAD");
    assert.equal((await carol.request("challenge:accept", "not an object")).error.code, "INVALID_PAYLOAD");
    assert.equal((await carol.request("challenge:accept", { code: "NOSUCH12" })).error.code, "CHALLENGE_NOT_FOUND");
    const big = "x".repeat(70 * 1024);
    const tooBig = await carol.request("battle:submit", {
      battle_id: "00000000-0000-4000-8000-000000000000",
      language: "c",
      source: big,
    });
    assert.equal(tooBig.error.code, "INVALID_PAYLOAD");
    const missing = await carol.request("battle:submit", {
      battle_id: "00000000-0000-4000-8000-000000000000",
      language: "c",
      source: "int main(){}",
    });
    assert.equal(missing.error.code, "BATTLE_NOT_FOUND");
    const cobol = await carol.request("battle:submit", {
      battle_id: "00000000-0000-4000-8000-000000000000",
      language: "cobol",
      source: "x",
    });
    assert.equal(cobol.error.code, "INVALID_PAYLOAD");
  } finally {
    carol.socket.close();
  }
});

test("handshakes without a valid token or protocol are refused", async () => {
  for (const auth of [{}, { token: "forged", protocol: 1 }]) {
    const socket = io(stack.battle, { auth, reconnection: false });
    const error = await new Promise((resolve) => socket.once("connect_error", resolve));
    assert.match(error.message, /UNAUTHORIZED/);
    socket.close();
  }
  const dave = await connectPlayer(stack.battle, "dave");
  dave.socket.close();
  const socket = io(stack.battle, { auth: { token: dave.token, protocol: 99 }, reconnection: false });
  const error = await new Promise((resolve) => socket.once("connect_error", resolve));
  assert.match(error.message, /UNSUPPORTED_PROTOCOL/);
  socket.close();
});

test("metrics expose handler latency and executions", async () => {
  const battle = await metricsText(stack.battle);
  assert.match(battle, /handler_duration_seconds_bucket\{handler="battle:submit"/);
  const executor = await metricsText(stack.executor);
  assert.match(executor, /executions_total\{language="c",verdict="AC"\} 1/);
  assert.match(executor, /executions_total\{language="python",verdict="WA"\} 1/);
  const judge = await metricsText(stack.judge);
  assert.match(judge, /judge_attempts_total\{outcome="judged"\} 2/);
});
