"use client";
// CodeMirror 6 with the language's highlighting. The draft is kept in localStorage per battle
// and language, so a reload (or a dropped connection) never loses code.
import CodeMirror from "@uiw/react-codemirror";
import { useMemo } from "react";
import { highlighting } from "@/lib/languages";

export function draftKey(battleId: string, language: string) {
  return `joust.draft.${battleId}.${language}`;
}

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
  const extensions = useMemo(() => [highlighting(language)], [language]);
  return (
    <div className="editor">
      <CodeMirror
        value={value}
        height="320px"
        theme={dark ? "dark" : "light"}
        extensions={extensions}
        onChange={onChange}
        aria-label="Code editor"
        basicSetup={{ tabSize: 4 }}
      />
    </div>
  );
}
