// The executor's state shared by every replica, in JetStream KV: cooldowns per (action, target), the break-glass
// pause, and the earned-autonomy ledger the effectiveness service keeps. The policy's checks read it through
// PolicyState; the executor writes cooldowns after a live change and the pause from its REST API.
import type { Bus, TypedKv } from "@vigil/bus";
import {
  type ActionName,
  type AutonomyValue,
  type CooldownValue,
  type ExecutorControlValue,
  kvBuckets,
  resourceKey,
  type ResourceRef,
} from "@vigil/contracts";
import type { PolicyState } from "@vigil/remediation";

export class SharedState implements PolicyState {
  private constructor(
    private readonly cooldowns: TypedKv<typeof kvBuckets.cooldowns>,
    private readonly control: TypedKv<typeof kvBuckets.executorControl>,
    private readonly ledger: TypedKv<typeof kvBuckets.autonomy>,
  ) {}

  static async open(bus: Bus): Promise<SharedState> {
    const [cooldowns, control, ledger] = await Promise.all([
      bus.kv(kvBuckets.cooldowns),
      bus.kv(kvBuckets.executorControl),
      bus.kv(kvBuckets.autonomy),
    ]);
    return new SharedState(cooldowns, control, ledger);
  }

  async cooldown(action: ActionName, target: ResourceRef): Promise<CooldownValue | undefined> {
    return (await this.cooldowns.get(kvBuckets.cooldowns.key(action, resourceKey(target))))?.value;
  }

  /** After a live change: the action may not run on this target again before `until`. */
  async startCooldown(value: CooldownValue): Promise<void> {
    await this.cooldowns.put(kvBuckets.cooldowns.key(value.action, resourceKey(value.target)), value);
  }

  async pause(): Promise<ExecutorControlValue | undefined> {
    return (await this.control.get(kvBuckets.executorControl.key("pause")))?.value;
  }

  /** The break-glass switch: every replica's policy reads it before each live change. */
  async setPause(value: ExecutorControlValue): Promise<void> {
    await this.control.put(kvBuckets.executorControl.key("pause"), value);
  }

  async autonomy(action: ActionName, alertname: string, namespaceClass: string): Promise<AutonomyValue | undefined> {
    return (await this.ledger.get(kvBuckets.autonomy.key(action, alertname, namespaceClass)))?.value;
  }
}
