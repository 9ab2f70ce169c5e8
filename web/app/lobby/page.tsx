import { Suspense } from "react";
import Lobby from "@/components/Lobby";

export default function LobbyPage() {
  return (
    <>
      <h1>Lobby</h1>
      <Suspense>
        <Lobby />
      </Suspense>
    </>
  );
}
