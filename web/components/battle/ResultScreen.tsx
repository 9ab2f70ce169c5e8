"use client";
import Link from "next/link";
import type { BattleView } from "@/lib/battle";

const REASONS: Record<string, string> = {
  resigned: "resigned",
  disconnected: "did not come back in time",
  no_show: "did not show up",
  time: "time ran out",
};

/** Who won and how, and the rating change of each player. */
export default function ResultScreen({ view, me }: { view: BattleView; me?: string }) {
  const result = view.result;
  if (!result) return null;
  const name = (id: string | null) => view.players.find((p) => p.id === id)?.name ?? "?";
  const headline =
    result.winnerId === null ? "Draw" : result.winnerId === me ? "You won!" : `${name(result.winnerId)} won`;
  const loser = view.players.find((p) => p.id !== result.winnerId);
  return (
    <section className="panel result" aria-labelledby="result" data-testid="result">
      <h2 id="result">{headline}</h2>
      <p data-testid="winner">
        {result.winnerId ? `Winner: ${name(result.winnerId)}` : "Nobody won"}
        {result.outcome === "forfeit" && loser ? ` (${loser.name} ${REASONS[result.reason ?? ""] ?? "forfeited"})` : ""}
        {result.outcome === "draw" && result.reason ? ` (${REASONS[result.reason] ?? result.reason})` : ""}
      </p>
      <ul className="plain">
        {result.ratings.map((r) => (
          <li key={r.user_id} data-testid="rating-change">
            {name(r.user_id)}: {r.rating_before} → {r.rating_after}{" "}
            <span className={r.delta >= 0 ? "good" : "bad"}>
              ({r.delta >= 0 ? "+" : ""}
              {r.delta})
            </span>
          </li>
        ))}
      </ul>
      <Link href="/lobby/">Back to the lobby</Link>
    </section>
  );
}
