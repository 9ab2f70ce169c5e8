// The languages a battle accepts (docs/protocol.md), with their editor highlighting.
import type { Extension } from "@codemirror/state";
import { cpp } from "@codemirror/lang-cpp";
import { go } from "@codemirror/lang-go";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { rust } from "@codemirror/lang-rust";

export const LANGUAGES = [
  { id: "python", label: "Python", highlight: python },
  { id: "c", label: "C", highlight: cpp },
  { id: "cpp", label: "C++", highlight: cpp },
  { id: "rust", label: "Rust", highlight: rust },
  { id: "javascript", label: "JavaScript", highlight: javascript },
  { id: "go", label: "Go", highlight: go },
] as const;

export type Language = (typeof LANGUAGES)[number]["id"];

export function highlighting(language: string): Extension {
  return (LANGUAGES.find((l) => l.id === language) ?? LANGUAGES[0]).highlight();
}

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
