"use client";
import { useState } from "react";
import type { Socket } from "socket.io-client";
import { describeError } from "@/lib/errors";
import { ask } from "@/lib/socket";
import LanguageSelect from "./LanguageSelect";

/** The matchmaking queue: an opponent of a similar rating who plays the same language. */
export default function FindMatch({ socket }: { socket: Socket }) {
  const [language, setLanguage] = useState("python");
  const [waiting, setWaiting] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const join = async () => {
    setError(null);
    try {
      await ask(socket, "matchmaking:join", { language });
      setWaiting(true); // the lobby moves to the room on `battle.created`
    } catch (e) {
      setError(describeError(e));
    }
  };
  const leave = async () => {
    try {
      await ask(socket, "matchmaking:leave", {});
    } catch (e) {
      setError(describeError(e));
    }
    setWaiting(false);
  };

  return (
    <section className="panel" aria-labelledby="find-match">
      <h2 id="find-match">Find a match</h2>
      <LanguageSelect value={language} onChange={setLanguage} disabled={waiting} />
      {waiting ? (
        <div className="row">
          <span role="status">Looking for an opponent…</span>
          <button className="secondary" onClick={leave}>
            Stop looking
          </button>
        </div>
      ) : (
        <button onClick={join}>Find a match</button>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}
