import { Suspense } from "react";
import TournamentView from "@/components/tournament/TournamentView";

export default function TournamentPage() {
  return (
    <Suspense>
      <TournamentView />
    </Suspense>
  );
}
