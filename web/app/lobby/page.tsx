import { Suspense } from "react";
import Lobby from "@/components/Lobby";

export default function LobbyPage() {
  return (
    <>
      <h1>Lobby</h1>
      {/* Prerendered, so the page shows what it offers before its scripts have run. */}
      <p className="lead">
        Find an opponent near your rating in the language you choose, challenge a friend with a link, or watch a
        battle being played. Whoever first passes every hidden test wins, and both ratings move.
      </p>
      <Suspense>
        <Lobby />
      </Suspense>
    </>
  );
}
