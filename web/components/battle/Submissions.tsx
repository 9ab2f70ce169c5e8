"use client";
import type { BattleView } from "@/lib/battle";
import { VERDICTS } from "@/lib/languages";

/** Every submission of the battle with its verdict and the tests it passed. */
export default function Submissions({ view }: { view: BattleView }) {
  const name = (id: string) => view.players.find((p) => p.id === id)?.name ?? "?";
  return (
    <section className="panel" aria-labelledby="submissions">
      <h2 id="submissions">Submissions</h2>
      {view.submissions.length === 0 && <p className="muted">No submissions yet.</p>}
      <ol data-testid="submissions">
        {view.submissions.map((s) => (
          <li key={s.id} data-verdict={s.verdict ?? "pending"}>
            {name(s.userId)} ({s.language}):{" "}
            {s.verdict ? (
              <span className={s.verdict === "AC" ? "good" : "bad"}>
                {VERDICTS[s.verdict] ?? s.verdict}, {s.passed}/{s.total} tests
                {s.timeMs !== undefined ? `, ${s.timeMs} ms` : ""}
              </span>
            ) : (
              <span className="muted">{s.delayed ? "judging is delayed, it stays queued…" : "judging…"}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
