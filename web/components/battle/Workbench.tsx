"use client";
// The player's side of the room: language, editor, practice runs and submitting
// (Ctrl/Cmd+Enter). Run results and compiler output come back on the socket, to us only.
import dynamic from "next/dynamic";
import { useEffect, useRef, useState } from "react";
import type { Socket } from "socket.io-client";
import { describeError } from "@/lib/errors";
import { ask } from "@/lib/socket";
import { useDark } from "@/lib/useDark";
import { draftKey } from "./draft";
import RunResult, { type Run } from "./RunResult";
import ErrorAlert from "../ErrorAlert";
import LanguageSelect from "../LanguageSelect";

// CodeMirror and its languages load after the room's first paint, to keep that load small.
const CodeEditor = dynamic(() => import("./CodeEditor"), {
  ssr: false,
  loading: () => <p className="muted">Loading the editor…</p>,
});

const loadDraft = (battleId: string, language: string) => window.localStorage.getItem(draftKey(battleId, language)) ?? "";

export default function Workbench({ socket, battleId, open }: { socket: Socket; battleId: string; open: boolean }) {
  const [language, setLanguage] = useState(() => window.localStorage.getItem("joust.language") ?? "python");
  const [code, setCode] = useState(() => loadDraft(battleId, language));
  const [input, setInput] = useState("");
  const [run, setRun] = useState<Run | null>(null);
  const [compileOutput, setCompileOutput] = useState<string | null>(null);
  const [status, setStatus] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const lastTyping = useRef(0);
  const dark = useDark();

  useEffect(() => {
    if (!socket) return;
    const onRun = (r: Run) => {
      if (r.battle_id !== battleId) return;
      setRun(r);
      setStatus(null);
      if (!r.custom_input) {
        // Tell the opponent how far our own sample runs got (best effort).
        const passed = r.tests.filter((t) => t.verdict === "AC").length;
        socket.emit("battle:progress", { battle_id: battleId, passed_tests: passed, total_tests: r.tests.length });
      }
    };
    const onCompile = (c: { battle_id: string; output: string }) => {
      if (c.battle_id === battleId) setCompileOutput(c.output);
    };
    socket.on("run.finished", onRun);
    socket.on("submission:compile_output", onCompile);
    return () => {
      socket.off("run.finished", onRun);
      socket.off("submission:compile_output", onCompile);
    };
  }, [socket, battleId]);

  const edit = (next: string) => {
    setCode(next);
    window.localStorage.setItem(draftKey(battleId, language), next);
    if (socket && open && Date.now() - lastTyping.current > 3000) {
      lastTyping.current = Date.now();
      socket.emit("battle:progress", { battle_id: battleId, typing: true });
    }
  };
  const switchLanguage = (next: string) => {
    setLanguage(next);
    window.localStorage.setItem("joust.language", next);
    setCode(loadDraft(battleId, next));
  };
  const act = async (what: "run" | "custom" | "submit") => {
    if (!socket) return;
    setError(null);
    try {
      if (what === "submit") {
        setCompileOutput(null);
        await ask(socket, "battle:submit", {
          battle_id: battleId,
          language,
          source: code,
          idempotency_key: crypto.randomUUID(),
        });
        setStatus("Submitted: its verdict appears under Submissions.");
      } else {
        const payload = { battle_id: battleId, language, source: code, ...(what === "custom" ? { input } : {}) };
        await ask(socket, "battle:run", payload);
        setStatus("Running…");
      }
    } catch (e) {
      setError(describeError(e));
    }
  };

  return (
    <section
      className="panel"
      aria-labelledby="your-code"
      onKeyDown={(e) => {
        if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
          e.preventDefault();
          if (open) void act("submit");
        }
      }}
    >
      <div className="row" style={{ justifyContent: "space-between" }}>
        <h2 id="your-code">Your code</h2>
        <LanguageSelect
          value={language}
          onChange={switchLanguage}
          className="row"
          style={{ flexDirection: "row" }}
        />
      </div>
      <CodeEditor value={code} language={language} dark={dark} onChange={edit} />
      <div className="row" style={{ marginTop: "0.5rem" }}>
        <button onClick={() => act("submit")} disabled={!open} title="Ctrl+Enter">
          Submit (Ctrl+Enter)
        </button>
        <button className="secondary" onClick={() => act("run")} disabled={!open}>
          Run samples
        </button>
        <button className="secondary" onClick={() => act("custom")} disabled={!open}>
          Run with custom input
        </button>
      </div>
      <label style={{ marginTop: "0.5rem" }}>
        Custom input
        <textarea rows={3} value={input} onChange={(e) => setInput(e.target.value)} className="mono" />
      </label>
      {status && <p role="status">{status}</p>}
      <ErrorAlert message={error} />
      {compileOutput && (
        <>
          <h3>Compiler output</h3>
          <pre>{compileOutput}</pre>
        </>
      )}
      {run && <RunResult run={run} />}
    </section>
  );
}
