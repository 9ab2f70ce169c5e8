"use client";
import ReactMarkdown from "react-markdown";
import rehypeKatex from "rehype-katex";
import remarkMath from "remark-math";
import type { Problem } from "@/lib/battle";

/** The problem: its Markdown statement with KaTeX math, limits and samples. */
export default function Statement({ problem }: { problem: Problem }) {
  return (
    <section className="panel statement" aria-labelledby="problem-title">
      <h2 id="problem-title">{problem.title}</h2>
      <p className="muted">
        Time limit {problem.time_limit_ms} ms, memory {problem.memory_limit_mb} MB
      </p>
      <ReactMarkdown remarkPlugins={[remarkMath]} rehypePlugins={[rehypeKatex]}>
        {problem.statement}
      </ReactMarkdown>
      {problem.samples.map((s, i) => (
        <div key={i} className="grid">
          <div>
            <h3>Sample input {i + 1}</h3>
            <pre>{s.input}</pre>
          </div>
          <div>
            <h3>Sample output {i + 1}</h3>
            <pre>{s.output}</pre>
          </div>
        </div>
      ))}
    </section>
  );
}
