/** A failure in words, announced to screen readers as it appears; nothing when there is none. */
export default function ErrorAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="error" role="alert">
      {message}
    </p>
  );
}
