import type { z } from "zod";

/**
 * A kind of delayed work ("assess this execution in 5 minutes"), bound here like a topic: its name is the
 * subject token (`vigil.delayed.<name>` on VIGIL_DELAYED) and its payload a zod schema, checked when the
 * task is scheduled and again when it runs (`bus.delayed(definition)`).
 */
export interface DelayedTaskDefinition<S extends z.ZodType = z.ZodType> {
  readonly name: string;
  readonly description?: string;
  readonly payload: S;
}

export const delayedTask = <S extends z.ZodType>(name: string, payload: S, description?: string): DelayedTaskDefinition<S> => ({
  name,
  payload,
  ...(description ? { description } : {}),
});

export type PayloadOf<D extends DelayedTaskDefinition> = z.output<D["payload"]>;
