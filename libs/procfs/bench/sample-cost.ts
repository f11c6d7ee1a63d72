// CPU cost of NodeSampler.sample() against this machine's "/":
//   node --conditions=@vigil/source --import tsx libs/procfs/bench/sample-cost.ts [samples]
import { NodeSampler, type NodeSamplerOptions } from "../src/index.js";

const samples = Number(process.argv[2] ?? 1000);

function measure(label: string, options: Omit<NodeSamplerOptions, "node">): void {
  const sampler = new NodeSampler({ node: "bench", ...options });
  for (let i = 0; i < 300; i++) sampler.sample(); // warm up the JIT
  const start = process.cpuUsage();
  const wall = performance.now();
  for (let i = 0; i < samples; i++) sampler.sample();
  const cpu = process.cpuUsage(start);
  const per = (us: number): string => `${(us / samples).toFixed(0)} µs`;
  console.log(
    `${label.padEnd(28)} cpu ${per(cpu.user + cpu.system)} (user ${per(cpu.user)}, sys ${per(cpu.system)}), wall ${per((performance.now() - wall) * 1000)}`,
  );
}

const procs = new NodeSampler({ node: "bench", topN: 1, topEvery: 1 }).sample().system?.processes;
console.log(`${samples} samples, ${procs} processes`);
measure("without topProcesses", { topN: 0 });
measure("topProcesses every sample", { topN: 10, topEvery: 1 });
measure("default (top every 5th)", {});
