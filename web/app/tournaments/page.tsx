import TournamentList from "@/components/tournament/TournamentList";

export default function TournamentsPage() {
  return (
    <>
      <h1>Tournaments</h1>
      <TournamentList />
    </>
  );
}
