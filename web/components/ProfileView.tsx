"use client";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { type Profile, profile } from "@/lib/api";
import { describeError } from "@/lib/errors";
import type { Session } from "@/lib/session";
import RatingChart from "./RatingChart";
import RequireSession from "./RequireSession";

function ProfileOf({ player, session }: { player: string; session: Session }) {
  const [data, setData] = useState<Profile | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    profile(player).then(setData, (e) => setError(describeError(e)));
  }, [player, session.userId]);
  if (error) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  const t = data.totals;
  return (
    <>
      <h1>{data.name}</h1>
      <p>
        Rating <strong data-testid="rating">{data.rating}</strong>
        {data.provisional && <span className="muted"> (provisional)</span>} · {t.battles} battles: {t.won} won,{" "}
        {t.lost} lost, {t.drawn} drawn
      </p>
      <section className="panel" aria-labelledby="history">
        <h2 id="history">Rating history</h2>
        <RatingChart points={data.rating_history} />
      </section>
      <section className="panel" aria-labelledby="recent">
        <h2 id="recent">Recent battles</h2>
        {data.recent_battles.length === 0 && <p className="muted">No battles yet.</p>}
        <ul className="plain">
          {data.recent_battles.map((b) => (
            <li key={b.battle_id}>
              {b.result} against {b.opponent_name} on {b.problem_slug}{" "}
              <span className="muted">{new Date(b.finished_at).toLocaleString()}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

export default function ProfileView() {
  const asked = useSearchParams().get("player");
  return (
    <RequireSession>
      {(session) => {
        const player = asked ?? session.name;
        return <ProfileOf key={player} player={player} session={session} />;
      }}
    </RequireSession>
  );
}
