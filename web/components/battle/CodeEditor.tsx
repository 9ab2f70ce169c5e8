"use client";
// CodeMirror 6 with the language's highlighting. The room keeps the draft (see `draft.ts`).
import { Prec } from "@codemirror/state";
import { EditorView, keymap } from "@codemirror/view";
import CodeMirror from "@uiw/react-codemirror";
import { useMemo } from "react";
import { highlighting } from "@/lib/highlighting";
import { darkTheme, lightTheme } from "./editorTheme";

// Ctrl/Cmd+Enter submits: the room handles it as the key event bubbles up; this binding only
// keeps the editor's own Mod-Enter (insert a blank line) from changing the code as well.
const SUBMIT_KEY = Prec.highest(keymap.of([{ key: "Mod-Enter", run: () => true }]));
// The editable area itself is what screen readers announce.
const LABEL = EditorView.contentAttributes.of({ "aria-label": "Code editor" });

export default function CodeEditor({
  value,
  language,
  dark,
  onChange,
}: {
  value: string;
  language: string;
  dark: boolean;
  onChange: (code: string) => void;
}) {
  const extensions = useMemo(() => [highlighting(language), SUBMIT_KEY, LABEL], [language]);
  return (
    <div className="editor">
      <CodeMirror
        value={value}
        height="320px"
        theme={dark ? darkTheme : lightTheme}
        extensions={extensions}
        onChange={onChange}
        basicSetup={{ tabSize: 4 }}
      />
    </div>
  );
}
