import type { RatingPoint } from "@/lib/api";

const W = 600;
const H = 200;
const PAD = 30;

/** The rating after each battle, as a line; a small hand-drawn SVG scales to any width. */
export default function RatingChart({ points: newestFirst }: { points: RatingPoint[] }) {
  // The API lists the newest point first; the chart reads left to right, oldest first.
  const points = [...newestFirst].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  if (points.length < 2) return <p className="muted">The chart appears after a rated battle.</p>;
  const ratings = points.map((p) => p.rating);
  const lo = Math.min(...ratings) - 20;
  const hi = Math.max(...ratings) + 20;
  const x = (i: number) => PAD + (i * (W - 2 * PAD)) / (points.length - 1);
  const y = (r: number) => H - PAD - ((r - lo) * (H - 2 * PAD)) / (hi - lo);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(i).toFixed(1)},${y(p.rating).toFixed(1)}`).join(" ");
  const last = points[points.length - 1];
  return (
    <svg
      viewBox={`0 0 ${W} ${H}`}
      role="img"
      aria-label={`Rating history: from ${points[0].rating} to ${last.rating} over ${points.length - 1} battles`}
      style={{ width: "100%", height: "auto" }}
      data-testid="rating-chart"
    >
      <line x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} stroke="var(--border)" />
      <text x={4} y={y(hi - 20) + 4} fill="var(--muted)" fontSize="12">
        {hi - 20}
      </text>
      <text x={4} y={y(lo + 20) + 4} fill="var(--muted)" fontSize="12">
        {lo + 20}
      </text>
      <path d={path} fill="none" stroke="var(--accent)" strokeWidth={2} />
      {points.map((p, i) => (
        <circle key={i} cx={x(i)} cy={y(p.rating)} r={3} fill="var(--accent)">
          <title>{`${p.rating} on ${new Date(p.at).toLocaleDateString()}`}</title>
        </circle>
      ))}
    </svg>
  );
}
