// The part of an OpenAI `/v1/chat/completions` request the scripted server relies on. Objects are loose:
// clients (LangChain, the OpenAI SDK) send many optional fields, and a test may want to assert on any of them.
import { z } from "zod";

const chatMessageSchema = z.looseObject({
  role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
  // Text, an array of content parts, or null on an assistant turn that only carries tool calls.
  content: z.union([z.string(), z.array(z.unknown()), z.null()]).optional(),
  tool_calls: z
    .array(
      z.looseObject({
        id: z.string().min(1),
        type: z.literal("function"),
        function: z.looseObject({ name: z.string().min(1), arguments: z.string() }),
      }),
    )
    .optional(),
  tool_call_id: z.string().optional(),
});

const toolSchema = z.looseObject({
  type: z.literal("function"),
  function: z.looseObject({
    name: z.string().min(1),
    description: z.string().optional(),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
});

export const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(chatMessageSchema).min(1),
  tools: z.array(toolSchema).optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});

export type ChatRequest = z.infer<typeof chatRequestSchema>;
export type ChatMessage = z.infer<typeof chatMessageSchema>;
