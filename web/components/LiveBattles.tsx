"use client";
// The battles running now, refreshed every few seconds, each with a link to watch it.
import Link from "next/link";
import { useEffect, useState } from "react";
import { type LiveBattle, liveBattles } from "@/lib/api";
import { describeError } from "@/lib/errors";

/** How often the list is read again. */
const REFRESH_MS = 5_000;

function minutesLeft(endsAt: string): string {
  const mins = Math.max(0, Math.round((Date.parse(endsAt) - Date.now()) / 60_000));
  return mins < 1 ? "ending" : `${mins} min left`;
}

export default function LiveBattles() {
  const [battles, setBattles] = useState<LiveBattle[] | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    const load = () =>
      liveBattles().then(
        (page) => {
          if (!live) return;
          setBattles(page.battles);
          setError(null);
        },
        (e) => live && setError(describeError(e)),
      );
    const first = setTimeout(load, 0);
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      live = false;
      clearTimeout(first);
      clearInterval(timer);
    };
  }, []);

  return (
    <section className="panel" aria-labelledby="live-battles">
      <h2 id="live-battles">Battles to watch</h2>
      {error && <p className="error">{error}</p>}
      {battles?.length === 0 && <p className="muted">No battle is running right now.</p>}
      <ul className="plain" data-testid="live-battles">
        {battles?.map((b) => (
          <li key={b.id}>
            {b.players.map((p) => `${p.name} (${p.rating})`).join(" vs ")}{" "}
            <span className="muted">
              · {b.problem_title} · {minutesLeft(b.ends_at)}
            </span>{" "}
            <Link href={`/watch/?id=${b.id}`} aria-label={`Watch ${b.players.map((p) => p.name).join(" vs ")}`}>
              Watch
            </Link>
          </li>
        ))}
      </ul>
    </section>
  );
}
