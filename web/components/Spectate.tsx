"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";

/** Watch a battle from its link or id (players share the battle room's address). */
export default function Spectate() {
  const router = useRouter();
  const [value, setValue] = useState("");
  const id = value.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i)?.[0];
  return (
    <section className="panel" aria-labelledby="spectate">
      <h2 id="spectate">Watch a battle</h2>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (id) router.push(`/watch/?id=${id}`);
        }}
      >
        <label>
          Battle link or id
          <input value={value} onChange={(e) => setValue(e.target.value)} />
        </label>
        <button disabled={!id}>Watch</button>
      </form>
    </section>
  );
}
