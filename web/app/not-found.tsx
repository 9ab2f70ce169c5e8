import Link from "next/link";

export default function NotFound() {
  return (
    <>
      <h1>Page not found</h1>
      <p>
        This page doesn&apos;t exist. <Link href="/lobby/">Go to the lobby</Link>.
      </p>
    </>
  );
}
