"use client";
import { VERDICTS } from "@/lib/languages";

export interface RunTest {
  index: number;
  sample: boolean;
  verdict: string | null;
  time_ms: number;
  output: string;
  stderr?: string;
  message?: string;
}

export interface Run {
  run_id: string;
  battle_id: string;
  custom_input: boolean;
  verdict: string | null;
  compile_output: string | null;
  tests: RunTest[];
}

/** A practice run's result: each test's verdict and output, and the compiler's output. */
export default function RunResult({ run }: { run: Run }) {
  return (
    <div data-testid="run-result">
      <p>
        {run.custom_input ? "Custom input: " : "Samples: "}
        <strong className={run.verdict === "AC" || run.verdict === null ? "good" : "bad"}>
          {run.verdict ? (VERDICTS[run.verdict] ?? run.verdict) : "ran to the end"}
        </strong>
      </p>
      {run.compile_output && <pre>{run.compile_output}</pre>}
      <ol>
        {run.tests.map((t) => (
          <li key={t.index}>
            {t.verdict ? (VERDICTS[t.verdict] ?? t.verdict) : "Finished"}, {t.time_ms} ms
            {t.message ? ` (${t.message})` : ""}
            <pre aria-label={`Output of test ${t.index + 1}`}>{t.output || "(no output)"}</pre>
            {t.stderr && <pre aria-label={`Errors of test ${t.index + 1}`}>{t.stderr}</pre>}
          </li>
        ))}
      </ol>
    </div>
  );
}
