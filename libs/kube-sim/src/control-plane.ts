// Runs the controllers: a pass after every burst of writes (so a scaled Deployment gets its Pods at once,
// as on a real cluster) and at every step of simulated time (so containers start, crash and back off).
import type { Cluster } from "./cluster.js";
import type { Controller } from "./controllers/controller.js";

/** The component each controller belongs to: the field manager its writes record, as on a real cluster. */
const NODE_AGENTS = new Set(["kubelet", "node-status", "eviction-manager"]);
export const managerOf = (controller: string): string =>
  NODE_AGENTS.has(controller) ? "kubelet" : controller === "scheduler" ? "kube-scheduler" : "kube-controller-manager";

export class ControlPlane {
  private dirty = false;
  private scheduled = false;
  private running = false;
  private stopped = true;
  /** Reconcile errors are kept, not thrown, so one faulty object cannot stop the whole cluster. */
  readonly errors: Array<{ controller: string; error: Error; at: number }> = [];

  constructor(
    private readonly cluster: Cluster,
    readonly controllers: Controller[],
    private readonly maxPasses = 50,
  ) {
    cluster.onWrite(() => {
      this.dirty = true;
      this.schedule();
    });
  }

  start(): void {
    this.stopped = false;
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
  }

  private schedule(): void {
    if (this.scheduled || this.stopped || this.running) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (!this.stopped) this.settle();
    });
  }

  /** Runs passes until a pass writes nothing (or maxPasses, for controllers that never settle). */
  settle(): number {
    if (this.running) return 0;
    this.running = true;
    let passes = 0;
    try {
      do {
        this.dirty = false;
        for (const c of this.controllers) {
          try {
            this.cluster.asManager(managerOf(c.name), () => c.reconcile(this.cluster));
          } catch (error) {
            this.errors.push({ controller: c.name, error: error as Error, at: this.cluster.now() });
            if (this.errors.length > 100) this.errors.shift();
          }
        }
        passes++;
      } while (this.dirty && passes < this.maxPasses);
    } finally {
      this.running = false;
    }
    return passes;
  }
}
