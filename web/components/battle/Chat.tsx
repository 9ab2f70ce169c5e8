"use client";
import { useState } from "react";
import type { Socket } from "socket.io-client";
import { describeError } from "@/lib/errors";
import { ask } from "@/lib/socket";
import type { ChatLine } from "@/lib/useBattleFeed";

/** The battle's chat: players write, spectators read. Lines are not kept after a reload. */
export default function Chat({
  lines,
  socket,
  battleId,
  canWrite,
}: {
  lines: ChatLine[];
  socket: Socket;
  battleId: string;
  canWrite: boolean;
}) {
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const send = async () => {
    if (!socket || !text.trim()) return;
    try {
      await ask(socket, "chat:send", { battle_id: battleId, text });
      setText("");
      setError(null);
    } catch (e) {
      setError(describeError(e));
    }
  };
  return (
    <section className="panel" aria-labelledby="chat">
      <h2 id="chat">Chat</h2>
      <ul className="plain chat-lines" aria-live="polite" data-testid="chat">
        {lines.map((l) => (
          <li key={l.seq}>
            <strong>{l.name}:</strong> {l.text}
          </li>
        ))}
      </ul>
      {canWrite && (
        <form
          className="row"
          onSubmit={(e) => {
            e.preventDefault();
            void send();
          }}
        >
          <input value={text} onChange={(e) => setText(e.target.value)} maxLength={500} aria-label="Chat message" />
          <button>Send</button>
        </form>
      )}
      {error && <p className="error">{error}</p>}
    </section>
  );
}
