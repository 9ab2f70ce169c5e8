import Leaderboard from "@/components/Leaderboard";

export default function LeaderboardPage() {
  return (
    <>
      <h1>Leaderboard</h1>
      <Leaderboard />
    </>
  );
}
