import SignIn from "@/components/SignIn";

export default function Home() {
  return (
    <>
      <h1>Real-time 1v1 coding battles</h1>
      <p className="muted">Solve the same problem as your opponent. The first accepted answer wins.</p>
      <SignIn />
    </>
  );
}
