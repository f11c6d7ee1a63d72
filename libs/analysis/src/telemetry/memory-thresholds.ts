// Every threshold of Vigil's memory-pressure judgements in one place, used alike by the kernel analyzers
// (findings) and the /nodes/{node}/pressure view (what it calls flat, spiky, rising, high), so the two never
// disagree. Each says why it is where it is.

const MiB = 1024 * 1024;

export const memoryThresholds = {
  psi: {
    /**
     * psi.memory.some.avg60 (%): share of the last minute in which at least one task waited for memory. A few
     * percent is ordinary reclaim; 10% means every task of the node loses time to reclaim or swap-in regularly.
     */
    someAvg60Warning: 10,
    /** avg10 reacts within seconds; it must be high on its own to count (short bursts are normal at startup). */
    someAvg10Warning: 25,
    /**
     * psi.memory.full.avg60 (%): share of the last minute in which *every* non-idle task was stalled on memory:
     * the node did no useful work. 5% is already what the kernel docs call a thrashing system (systemd-oomd
     * acts at 20% over 20 s by default), so it is critical well before OOM kills start.
     */
    fullAvg60Critical: 5,
    /** some.avg60 this high is critical on its own: nearly half of the time a task is stalled. */
    someAvg60Critical: 40,
  },
  available: {
    /**
     * MemAvailable as a share of MemTotal (the pressure view only; the kubelet's own MemoryPressure condition is
     * the node analyzer's). Under 10% the page cache is nearly gone and reclaim starts hurting; under 5% the
     * kubelet's eviction threshold (100Mi by default) or the OOM killer are close on most node sizes.
     */
    warningPercent: 10,
    criticalPercent: 5,
  },
  swap: {
    /**
     * The trend of swap used over the window. "rising": the least-squares line grows by at least
     * `risingMinBytes` across the window AND that growth is at least `risingMinSignalToNoise` times the
     * scatter of the samples around the line (a steady climb, not two spikes). 64 MiB is above the kernel's
     * background swap-out of cold pages on an idle node.
     */
    risingMinBytes: 64 * MiB,
    risingMinSignalToNoise: 2,
    /**
     * "spiky" (when not rising): swap used moved by at least `spikyMinRangeBytes` within the window, or the swap
     * I/O rate (pswpin + pswpout) reached `spikySwapIoPagesPerSecond` (256 pages of 4 KiB = 1 MiB/s): memory
     * is being pushed out and pulled back in bursts. Otherwise "flat".
     */
    spikyMinRangeBytes: 64 * MiB,
    spikySwapIoPagesPerSecond: 256,
    /** Fewer samples than this, or a shorter span, cannot show a trend: it is reported as flat, with the count. */
    minTrendSamples: 3,
    minTrendSpanMs: 60_000,
    /** Rising swap with more than this share of swap space used is critical: swap is about to run out. */
    usedRatioCritical: 0.8,
  },
  swapStalls: {
    /**
     * p99 of swap-in fault latency (µs). A swap-in from SSD takes about 0.1-1 ms; at 5 ms faults queue behind
     * other I/O or come from rotating disks, and a task touching swapped memory stalls visibly.
     */
    p99WarningUs: 5_000,
    /** At 50 ms a page fault is as slow as a network round trip across continents: critical. */
    p99CriticalUs: 50_000,
    /** A handful of slow faults in an hour is noise: at least this many faults in the window before judging. */
    minFaults: 100,
  },
  oom: {
    /**
     * A container-scope kill whose container still runs is "unseen by Kubernetes" only once the kubelet had time
     * to report a termination (status sync ~10 s, plus the watch): until then it may simply not be visible yet.
     */
    unseenGraceMs: 30_000,
    /** This many container-scope kills of one container in the window make the finding critical. */
    repeatedKillsCritical: 3,
  },
} as const;
