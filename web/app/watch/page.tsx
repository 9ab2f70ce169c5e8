import { Suspense } from "react";
import Room from "@/components/battle/Room";

export default function WatchPage() {
  return (
    <Suspense>
      <Room wanted="watch" />
    </Suspense>
  );
}
