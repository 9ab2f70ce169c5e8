"use client";
import type { BattleView } from "@/lib/battle";
import { formatSeconds, useNow } from "./useNow";

/** The countdown to the reveal, then the time left until the battle is a draw. */
export default function Clock({ view }: { view: BattleView }) {
  const now = useNow();
  if (view.result) return <span className="badge">Finished</span>;
  if (!view.problem && view.startsAt) {
    return (
      <span className="badge" role="timer">
        Starts in {formatSeconds(Date.parse(view.startsAt) - now)}
      </span>
    );
  }
  if (view.endsAt) {
    return (
      <span className="badge" role="timer">
        Time left {formatSeconds(Date.parse(view.endsAt) - now)}
      </span>
    );
  }
  return null;
}
