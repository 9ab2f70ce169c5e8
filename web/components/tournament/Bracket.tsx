"use client";
// An elimination bracket drawn by brackets-viewer.js from the exported brackets-model JSON.
// Loaded lazily (next/dynamic) by the tournament page only, so the viewer stays out of the
// other pages' JavaScript.
import "brackets-viewer/dist/brackets-viewer.min.css";
import { useEffect, useState } from "react";
import { describeError } from "@/lib/errors";
import { bracket } from "@/lib/tournaments";

export default function Bracket({ id, version }: { id: string; version: string }) {
  const [error, setError] = useState<string | null>(null);
  const [drawn, setDrawn] = useState(false);
  useEffect(() => {
    let live = true;
    Promise.all([bracket(id), import("brackets-viewer/dist/brackets-viewer.min.js")])
      .then(async ([data]) => {
        if (!live || !window.bracketsViewer) return;
        await window.bracketsViewer.render(
          { stages: data.stage, matches: data.match, matchGames: data.match_game, participants: data.participant },
          { selector: "#bracket", clear: true },
        );
        if (live) setDrawn(true);
      })
      .catch((e) => live && setError(describeError(e)));
    return () => {
      live = false;
    };
  }, [id, version]);
  return (
    <section className="panel" aria-labelledby="bracket-title">
      <h2 id="bracket-title">Bracket</h2>
      {error && <p className="error">{error}</p>}
      {!drawn && !error && <p className="muted">Drawing the bracket…</p>}
      <div id="bracket" className="brackets-viewer" data-testid="bracket" aria-busy={!drawn} style={{ overflowX: "auto" }} />
    </section>
  );
}
