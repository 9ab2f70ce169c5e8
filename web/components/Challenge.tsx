"use client";
import { useState } from "react";
import type { Socket } from "socket.io-client";
import { describeError } from "@/lib/errors";
import { ask } from "@/lib/socket";

/** Challenge a friend: create a link to share, or accept the one in the address. */
export default function Challenge({
  socket,
  code,
  onJoined,
}: {
  socket: Socket;
  code: string | null;
  onJoined: (battleId: string) => void;
}) {
  const [link, setLink] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const create = async () => {
    setError(null);
    try {
      const { code } = await ask<{ code: string }>(socket, "challenge:create", {});
      setLink(`${window.location.origin}/lobby/?challenge=${code}`);
    } catch (e) {
      setError(describeError(e));
    }
  };
  const accept = async () => {
    setError(null);
    try {
      const { battle_id } = await ask<{ battle_id: string }>(socket, "challenge:accept", { code });
      onJoined(battle_id);
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section className="panel" aria-labelledby="challenge">
      <h2 id="challenge">Challenge a friend</h2>
      {code && (
        <p className="row">
          <span>
            You were challenged (code <span className="mono">{code}</span>).
          </span>
          <button onClick={accept}>Accept challenge</button>
        </p>
      )}
      {link ? (
        <>
          <p>Send this link to your friend. The battle starts when they accept.</p>
          <input readOnly value={link} aria-label="Challenge link" data-testid="challenge-link" style={{ width: "100%" }} />
          <button className="secondary" onClick={() => navigator.clipboard?.writeText(link)}>
            Copy link
          </button>
        </>
      ) : (
        <button onClick={create}>Create a challenge link</button>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}
