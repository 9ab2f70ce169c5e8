"use client";
// Three ways in: a guest name, an existing account, or a new one.
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { playAsGuest, signIn } from "@/lib/api";
import { describeError } from "@/lib/errors";
import { type Session, saveSession } from "@/lib/session";
import ErrorAlert from "./ErrorAlert";

export default function SignIn() {
  const router = useRouter();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = (work: () => Promise<Session>) => async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      saveSession(await work());
      router.push("/lobby/");
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };
  const field = (form: HTMLFormElement, name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;

  return (
    <>
      <ErrorAlert message={error} />
      <div className="grid">
        <form
          className="panel"
          onSubmit={(e) => {
            const form = e.currentTarget;
            return run(() => playAsGuest(field(form, "guest-name")))(e);
          }}
        >
          <h2>Play as a guest</h2>
          <label>
            Name
            <input name="guest-name" required maxLength={32} autoComplete="nickname" />
          </label>
          <button disabled={busy}>Play as guest</button>
        </form>
        <form
          className="panel"
          onSubmit={(e) => {
            const form = e.currentTarget;
            return run(() => signIn("login", field(form, "handle"), field(form, "password")))(e);
          }}
        >
          <h2>Sign in</h2>
          <label>
            User name
            <input name="handle" required autoComplete="username" />
          </label>
          <label>
            Password
            <input name="password" type="password" required autoComplete="current-password" />
          </label>
          <button disabled={busy}>Sign in</button>
        </form>
        <form
          className="panel"
          onSubmit={(e) => {
            const form = e.currentTarget;
            return run(() => signIn("register", field(form, "handle"), field(form, "password")))(e);
          }}
        >
          <h2>Create an account</h2>
          <label>
            User name (3 to 32 letters, digits, _ . -)
            <input name="handle" required minLength={3} maxLength={32} autoComplete="username" />
          </label>
          <label>
            Password (at least 8 characters)
            <input name="password" type="password" required minLength={8} autoComplete="new-password" />
          </label>
          <button disabled={busy}>Register</button>
        </form>
      </div>
    </>
  );
}
