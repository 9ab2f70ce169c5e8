// Whole tournaments played to the end against the real stack (battle service, judge, executor)
// by scripted socket.io-client bots: the scheduler starts each match's battle, a bot wins by
// submitting an accepted solution or loses by resigning (or by waiting), and each result moves
// the bracket on by itself. Single elimination, double elimination with a grand-final reset,
// and Swiss, each with its expected champion or standings.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { startStack, psql } from "./harness.mjs";
import { TOURNAMENT_ENV, Referee, bot, finished, grantOrganizer, ok, register, startTournament } from "./tournaments.mjs";

let stack;
let organizer;
before(async () => {
  stack = await startStack({ battleEnv: TOURNAMENT_ENV });
  organizer = await register(stack.battle, "org");
  grantOrganizer(stack, organizer.name);
});
after(async () => {
  await stack?.stop();
});

/** `n` registered players connected as bots; every other loser resigns, the rest wait. */
async function field(prefix, n, upsets = {}) {
  const players = [];
  for (let i = 0; i < n; i++) players.push(await register(stack.battle, `${prefix}${i}`));
  const referee = new Referee(players, typeof upsets === "function" ? upsets(players) : upsets);
  const bots = [];
  for (const [i, p] of players.entries()) bots.push(await bot(stack.battle, p, referee, { resigns: i % 2 === 1 }));
  return { players, bots };
}

function close(bots) {
  for (const b of bots) b.socket.close();
}

/** The tournament's battles: how many, and how each ended. */
function battles(id) {
  return psql(stack.database, `SELECT b.outcome FROM tournament_matches m JOIN battles b ON b.id = m.battle_id WHERE m.tournament_id = '${id}'`)
    .split("\n")
    .filter(Boolean);
}

test("single elimination: eight bots play to the top seed's title", async () => {
  const { players, bots } = await field("se", 8);
  try {
    const id = await startTournament(stack.battle, organizer, players, { format: "single_elimination" });
    const t = await finished(stack.battle, id);
    assert.equal(t.matches.length, 7);
    assert.ok(t.matches.every((m) => m.battle_id && ["first", "second"].includes(m.outcome)), JSON.stringify(t.matches));
    const outcomes = battles(id);
    assert.equal(outcomes.length, 7, "one battle per match");
    assert.ok(outcomes.includes("accepted") && outcomes.includes("forfeit"), outcomes.join());
    const standings = await ok(stack.battle, "GET", `/api/tournaments/${id}/standings`);
    assert.deepEqual(
      standings.slice(0, 2).map((s) => [s.user_id, s.rank]),
      [[players[0].userId, 1], [players[1].userId, 2]],
    );
    // Every player heard of each of their matches before it started.
    const heard = bots.reduce((n, b) => n + b.notices.filter((x) => x.tournament_id === id).length, 0);
    assert.equal(heard, 14, "two notices per match");
    const notice = bots[0].notices.find((x) => x.tournament_id === id && x.round === 1);
    assert.equal(notice.opponent.id, players[7].userId);
    assert.ok(notice.starts_in_ms >= 0 && notice.no_show_grace_ms > 0, JSON.stringify(notice));
  } finally {
    close(bots);
  }
});

test("double elimination: the losers-bracket winner forces the reset and takes the title", async () => {
  // The top seed loses its first battle, comes back through the losers bracket and beats the
  // winners-bracket champion twice.
  const { players, bots } = await field("de", 4, (p) => ({ [p[0].userId]: 1 }));
  try {
    const id = await startTournament(stack.battle, organizer, players, { format: "double_elimination", grand_final: "double" });
    const t = await finished(stack.battle, id);
    // Winners bracket 2 + 1, losers bracket 1 + 1, grand final and its reset.
    assert.equal(t.matches.length, 7);
    assert.ok(t.matches.every((m) => m.status === "completed" && m.battle_id), JSON.stringify(t.matches));
    assert.equal(battles(id).length, 7);
    const bracket = await ok(stack.battle, "GET", `/api/tournaments/${id}/bracket`);
    const finalGroup = bracket.group.find((g) => g.number === 3);
    const finals = bracket.match.filter((m) => m.group_id === finalGroup.id);
    assert.deepEqual(finals.map((m) => m.status), [4, 4], "the grand final and its reset were played");
    const standings = await ok(stack.battle, "GET", `/api/tournaments/${id}/standings`);
    assert.deepEqual(
      standings.slice(0, 2).map((s) => [s.user_id, s.rank]),
      [[players[0].userId, 1], [players[1].userId, 2]],
    );
    assert.equal(standings[0].losses, 1);
  } finally {
    close(bots);
  }
});

test("swiss: three rounds paired by score end in the expected standings", async () => {
  const { players, bots } = await field("sw", 8);
  try {
    const id = await startTournament(stack.battle, organizer, players, { format: "swiss", swiss_rounds: 3 });
    const t = await finished(stack.battle, id);
    assert.equal(t.matches.length, 12);
    assert.equal(battles(id).length, 12);
    const standings = await ok(stack.battle, "GET", `/api/tournaments/${id}/standings`);
    // Round 1: 1-5, 2-6, 3-7, 4-8; round 2: 1-2, 3-4, 5-6, 7-8; round 3: 1-3, 2-4, 5-7, 6-8;
    // the stronger seed wins each. Equal points split by Buchholz, Sonneborn-Berger, then seed.
    const seedOf = new Map(players.map((p, i) => [p.userId, i + 1]));
    assert.deepEqual(
      standings.map((s) => [seedOf.get(s.user_id), s.points]),
      [[1, 3], [2, 2], [3, 2], [5, 2], [4, 1], [6, 1], [7, 1], [8, 0]],
    );
    assert.equal(standings[0].rank, 1);
  } finally {
    close(bots);
  }
});
