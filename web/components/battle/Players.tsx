"use client";
import { type BattleView, bestPassed } from "@/lib/battle";
import type { Progress } from "@/lib/useBattleFeed";
import { formatSeconds, useNow } from "./useNow";

/** Both players: tests passed by their best submission, typing, and a dropped connection. */
export default function Players({
  view,
  progress,
  me,
}: {
  view: BattleView;
  progress: Record<string, Progress>;
  me?: string;
}) {
  const now = useNow();
  return (
    <ul className="plain" aria-label="Players">
      {view.players.map((p) => {
        const best = bestPassed(view, p.id);
        const live = progress[p.id];
        const share = best.total ? (100 * best.passed) / best.total : 0;
        const away = view.away[p.id];
        return (
          <li key={p.id} data-testid={`player-${p.name}`} style={{ marginBottom: "0.5rem" }}>
            <div className="row">
              <strong>{p.name}</strong>
              {p.id === me && <span className="muted">(you)</span>}
              <span className="muted">
                {best.total ? `${best.passed}/${best.total} tests` : "no verdict yet"}
              </span>
              {live?.typing && p.id !== me && <span className="muted">typing…</span>}
              {live?.total && p.id !== me ? (
                <span className="muted">
                  samples {live.passed ?? 0}/{live.total}
                </span>
              ) : null}
              {away !== undefined && (
                <span className="warn" role="status">
                  disconnected, {formatSeconds(away - now)} to come back
                </span>
              )}
            </div>
            <div className="bar" aria-hidden="true">
              <span style={{ width: `${share}%` }} />
            </div>
          </li>
        );
      })}
    </ul>
  );
}
