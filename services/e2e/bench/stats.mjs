// Measurement helpers of the battle benchmark: sample quantiles, Prometheus histogram quantiles
// from bucket deltas, and process CPU time and memory read from /proc.
import { readFileSync, readdirSync } from "node:fs";

/** Quantile `q` (0..1) of numeric samples, nearest rank; `null` without samples. */
export function quantile(samples, q) {
  if (samples.length === 0) return null;
  const sorted = Float64Array.from(samples).sort();
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1];
}

/** p50, p90, p99 and max of samples (milliseconds in, milliseconds out). */
export function summary(samples) {
  return {
    count: samples.length,
    p50: quantile(samples, 0.5),
    p90: quantile(samples, 0.9),
    p99: quantile(samples, 0.99),
    max: quantile(samples, 1),
  };
}

/**
 * The cumulative buckets of histogram `name` in a Prometheus text exposition, as a map from the
 * upper bound (`Infinity` for `+Inf`) to the count; `label` (e.g. `handler="chat:send"`) picks
 * one series of a labelled histogram.
 */
export function parseHistogram(text, name, label = "") {
  const buckets = new Map();
  const prefix = `${name}_bucket{`;
  for (const line of text.split("\n")) {
    if (!line.startsWith(prefix) || !line.includes(label)) continue;
    const le = /le="([^"]+)"/.exec(line)?.[1];
    if (le === undefined) continue;
    const bound = le === "+Inf" ? Infinity : Number(le);
    buckets.set(bound, Number(line.slice(line.lastIndexOf(" ") + 1)));
  }
  return buckets;
}

/** Bucket-wise `after - before`, summed over several instances' (before, after) pairs. */
export function histogramDelta(pairs) {
  const delta = new Map();
  for (const [before, after] of pairs) {
    for (const [bound, count] of after) {
      delta.set(bound, (delta.get(bound) ?? 0) + count - (before.get(bound) ?? 0));
    }
  }
  return delta;
}

/**
 * Quantile `q` of a cumulative histogram, interpolating linearly inside the bucket as
 * Prometheus' `histogram_quantile` does. Returns `{ value, count, overflow }`; `overflow` means
 * the quantile lies in the `+Inf` bucket and `value` is only a lower bound.
 */
export function histogramQuantile(buckets, q) {
  const bounds = [...buckets.keys()].sort((a, b) => a - b);
  const total = buckets.get(Infinity) ?? 0;
  if (total === 0) return { value: null, count: 0, overflow: false };
  const rank = q * total;
  let lower = 0;
  let below = 0;
  for (const bound of bounds) {
    const cumulative = buckets.get(bound);
    if (cumulative >= rank) {
      if (bound === Infinity) return { value: lower, count: total, overflow: true };
      const inBucket = cumulative - below;
      const value = inBucket === 0 ? bound : lower + ((bound - lower) * (rank - below)) / inBucket;
      return { value, count: total, overflow: false };
    }
    lower = bound;
    below = cumulative;
  }
  return { value: lower, count: total, overflow: true };
}

/** Resident set size of a process in bytes (VmRSS). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  return Number(kb) * 1024;
}

// USER_HZ: the unit of the times in /proc/<pid>/stat; 100 on every Linux architecture we run on.
const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export function cpuSeconds(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may contain spaces: fields are counted after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** Ids of the running processes whose command name is `comm` (e.g. every PostgreSQL backend). */
export function pidsNamed(comm) {
  const pids = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, "utf8").trim() === comm) pids.push(Number(entry));
    } catch {
      // exited meanwhile
    }
  }
  return pids;
}

/** Busy and total CPU seconds of the whole machine, all cores (from /proc/stat). */
export function machineCpu() {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0];
  const ticks = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = ticks.reduce((a, b) => a + b, 0);
  const idle = ticks[3] + ticks[4];
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

/**
 * Seconds the threads of a process have spent ready to run but waiting for a CPU (the second
 * field of each thread's schedstat); 0 once it is gone.
 */
export function runQueueWaitSeconds(pid) {
  let ns = 0;
  try {
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]);
      } catch {
        // the thread exited meanwhile
      }
    }
  } catch {
    // the process exited
  }
  return ns / 1e9;
}

/** Microseconds during which some task on the machine was waiting for a CPU (PSI); 0 without PSI. */
function cpuPressureMicros() {
  try {
    return Number(/^some .*total=(\d+)/m.exec(readFileSync("/proc/pressure/cpu", "utf8"))[1]);
  } catch {
    return 0;
  }
}

/**
 * Starts measuring CPU use of named groups of processes. `stop()` returns, per group, `cores`:
 * the cores it kept busy on average (CPU seconds per wall second), and `waiting`: how many of
 * its threads were on average ready to run but waiting for a CPU. `cores` also has `machine`
 * (every process on the host) and `other` (the machine minus the groups: builds and anything
 * else running); `pressure` is the share of the time some task on the machine waited for a CPU.
 */
export function cpuMeter(groups) {
  const read = () => {
    const used = {};
    const waited = {};
    for (const [name, pids] of Object.entries(groups())) {
      used[name] = pids.reduce((sum, pid) => sum + cpuSeconds(pid), 0);
      waited[name] = pids.reduce((sum, pid) => sum + runQueueWaitSeconds(pid), 0);
    }
    return { used, waited, machine: machineCpu(), pressure: cpuPressureMicros(), at: performance.now() };
  };
  const start = read();
  return {
    stop() {
      const end = read();
      const wall = (end.at - start.at) / 1000;
      const cores = {};
      const waiting = {};
      let ours = 0;
      for (const name of Object.keys(end.used)) {
        cores[name] = (end.used[name] - (start.used[name] ?? 0)) / wall;
        waiting[name] = Math.max(0, end.waited[name] - (start.waited[name] ?? 0)) / wall;
        ours += cores[name];
      }
      cores.machine = (end.machine.busy - start.machine.busy) / wall;
      cores.other = Math.max(0, cores.machine - ours);
      return { cores, waiting, pressure: (end.pressure - start.pressure) / 1e6 / wall };
    },
  };
}
