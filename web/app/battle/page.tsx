import { Suspense } from "react";
import Room from "@/components/battle/Room";

export default function BattlePage() {
  return (
    <Suspense>
      <Room wanted="play" />
    </Suspense>
  );
}
