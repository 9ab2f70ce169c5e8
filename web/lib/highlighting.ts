// CodeMirror highlighting for each language a battle accepts.
import { cpp } from "@codemirror/lang-cpp";
import { go } from "@codemirror/lang-go";
import { javascript } from "@codemirror/lang-javascript";
import { python } from "@codemirror/lang-python";
import { rust } from "@codemirror/lang-rust";
import type { Extension } from "@codemirror/state";

const HIGHLIGHT: Record<string, () => Extension> = { python, c: cpp, cpp, rust, javascript, go };

export function highlighting(language: string): Extension {
  return (HIGHLIGHT[language] ?? python)();
}
