// The languages a battle accepts (docs/protocol.md) and the verdicts' names. The editor's
// highlighting lives in `highlighting.ts`, so that pages without an editor stay small.

export const LANGUAGES = [
  { id: "python", label: "Python" },
  { id: "c", label: "C" },
  { id: "cpp", label: "C++" },
  { id: "rust", label: "Rust" },
  { id: "javascript", label: "JavaScript" },
  { id: "go", label: "Go" },
] as const;

export type Language = (typeof LANGUAGES)[number]["id"];

export const VERDICTS: Record<string, string> = {
  AC: "Accepted",
  WA: "Wrong answer",
  TLE: "Time limit exceeded",
  MLE: "Memory limit exceeded",
  OLE: "Output limit exceeded",
  RTE: "Runtime error",
  CE: "Compilation error",
  IE: "Internal error",
};
