"use client";
// One tournament (`/tournament/?id=…`): its settings and players, then once started the
// bracket (elimination, drawn by brackets-viewer.js, loaded lazily) or the standings (round
// robin and Swiss), and the signed-in player's next match. Refreshed while it runs.
import dynamic from "next/dynamic";
import { useSearchParams } from "next/navigation";
import { useEffect, useState } from "react";
import { describeError } from "@/lib/errors";
import {
  FORMAT_NAMES,
  STATE_NAMES,
  type TournamentDetail,
  isElimination,
  isStarted,
  tournament,
} from "@/lib/tournaments";
import { useSession } from "@/lib/useSession";
import NextMatch from "./NextMatch";
import Standings from "./Standings";

const Bracket = dynamic(() => import("./Bracket"), {
  ssr: false,
  loading: () => <p className="muted">Drawing the bracket…</p>,
});

/** How often a running tournament is read again. */
const REFRESH_MS = 10_000;

function Entrants({ t }: { t: TournamentDetail }) {
  if (t.entrants.length === 0) return <p>Nobody has registered yet.</p>;
  return (
    <section className="panel" aria-labelledby="entrants">
      <h2 id="entrants">Players</h2>
      <ul>
        {t.entrants.map((e) => (
          <li key={e.user_id}>
            {e.name}
            {e.checked_in && <span className="muted"> (checked in)</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}

function Details({ t }: { t: TournamentDetail }) {
  const session = useSession();
  // The detail's `matches` change on every result: redraw the bracket from them.
  const version = t.matches.map((m) => `${m.status}${m.outcome ?? ""}`).join();
  const playing = session && t.entrants.some((e) => e.user_id === session.userId);
  return (
    <>
      <h1>{t.name}</h1>
      <p>
        {FORMAT_NAMES[t.format]} · {STATE_NAMES[t.state]} · starts {new Date(t.starts_at).toLocaleString()} ·{" "}
        {t.registered} players
      </p>
      <div className="grid">
        {playing && isStarted(t) && t.state === "running" && <NextMatch tournament={t} session={session} />}
        {!isStarted(t) && <Entrants t={t} />}
      </div>
      {isStarted(t) &&
        (isElimination(t.format) ? <Bracket id={t.id} version={version} /> : <Standings id={t.id} version={version} />)}
    </>
  );
}

export default function TournamentView() {
  const id = useSearchParams().get("id");
  const [data, setData] = useState<TournamentDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!id) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const load = () =>
      tournament(id).then(
        (t) => {
          if (!live) return;
          setData(t);
          setError(null);
          if (t.state !== "finished" && t.state !== "cancelled") timer = setTimeout(load, REFRESH_MS);
        },
        (e) => {
          if (!live) return;
          setError(describeError(e));
          timer = setTimeout(load, REFRESH_MS);
        },
      );
    load();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);
  if (!id) return <p className="error">This link names no tournament. Pick one from the list of tournaments.</p>;
  if (error && !data) return <p className="error">{error}</p>;
  if (!data) return <p className="muted">Loading…</p>;
  return (
    <>
      {error && <p className="error">{error}</p>}
      <Details t={data} />
    </>
  );
}
