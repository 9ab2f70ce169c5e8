// Prints, one JSON line per stage, what brackets-manager stores when it creates each
// elimination and round-robin stage of 2 to 64 players (seeded P1, P2, ... in that order); then,
// once every ready match has been played by a fixed rule, who met in each match and whether the
// first side won, and brackets-manager's final standings of elimination stages. The Rust test
// `crosscheck` builds the same stages and compares.
import { BracketsManager } from 'brackets-manager';
import { InMemoryDatabase } from 'brackets-memory-db';

const MAX_SIZE = Number(process.argv[2] ?? 64);

/** The stages to compare: every format and option, for each number of players. */
function cases() {
  const all = [];
  for (let players = 2; players <= MAX_SIZE; players++) {
    for (const consolationFinal of players > 2 ? [false, true] : [false])
      all.push({ players, type: 'single_elimination', settings: { consolationFinal } });
    for (const grandFinal of ['none', 'simple', 'double'])
      all.push({ players, type: 'double_elimination', settings: { grandFinal } });
    for (const groupCount of [1, 2, 4])
      if (players >= 2 * groupCount)
        for (const roundRobinMode of ['simple', 'double'])
          all.push({ players, type: 'round_robin', settings: { groupCount, roundRobinMode } });
  }
  return all;
}

const nextPowerOfTwo = (n) => 2 ** Math.ceil(Math.log2(n));

/** The fixed rule both sides play by: which side of a match wins, from its ids alone. */
const opponent1Wins = (match) =>
  (match.opponent1.id * 7 + match.opponent2.id * 3 + match.id) % 5 < 3;

async function run(testCase) {
  const storage = new InMemoryDatabase();
  const manager = new BracketsManager(storage);
  const seeding = Array.from({ length: testCase.players }, (_, i) => `P${i + 1}`);
  const settings = { ...testCase.settings };
  if (testCase.type !== 'round_robin') settings.size = nextPowerOfTwo(testCase.players);
  await manager.create.stage({ tournamentId: 0, name: 'Stage', type: testCase.type, seeding, settings });
  const created = structuredClone(storage.data);
  // Play every ready match, lowest id first, until none is left. The table is read in place:
  // `select` copies it, which made this loop quadratic in copies.
  for (;;) {
    const ready = storage.data.match.find((m) => m.status === 2);
    if (!ready) break;
    const win = opponent1Wins(ready);
    await manager.update.match({
      id: ready.id,
      opponent1: { result: win ? 'win' : 'loss' },
      opponent2: { result: win ? 'loss' : 'win' },
    });
  }
  const played = (await storage.select('match')).map((m) => [
    m.id,
    m.opponent1?.id ?? null,
    m.opponent2?.id ?? null,
    m.opponent1?.result ?? null,
  ]);
  // brackets-manager ranks elimination stages only, and not those without a losers bracket
  // or with a bye in the third-place match (it fails on them).
  let standings = null;
  if (testCase.type !== 'round_robin') {
    try {
      standings = (await manager.get.finalStandings(0)).map((s) => [s.id, s.rank]);
    } catch {
      standings = null;
    }
  }
  return { ...testCase, created, played, standings };
}

for (const testCase of cases()) console.log(JSON.stringify(await run(testCase)));
