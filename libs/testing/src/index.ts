// @vigil/testing: real servers for Vigil tests (never ones something else started).
export { freePort } from "./ports.js";
export { waitFor } from "./wait.js";
export type { WaitForOptions } from "./wait.js";
export { spawnTracked, runCommand, childPidsNamed } from "./processes.js";
export { startServiceProcess, type ServiceProcess, type ServiceProcessOptions } from "./service-process.js";
export type { SpawnOptions, TrackedProcess, ExitInfo, RunResult } from "./processes.js";
export { onProcessExit, makeTempDir } from "./cleanup.js";
export type { TempDir } from "./cleanup.js";
export type { ServerSource } from "./sources.js";
export { startNats } from "./nats.js";
export type { NatsServerHandle, RestartNatsOptions, StartNatsOptions } from "./nats.js";
export { freshDatabase, startPostgres } from "./postgres.js";
export type { PostgresHandle } from "./postgres.js";
export { startAlertmanager, postAlerts, alertmanagerConfig } from "./alertmanager.js";
export type { AlertmanagerHandle, StartAlertmanagerOptions, PostableAlert } from "./alertmanager.js";
export { readStream, type ReadStreamOptions, type StoredMessage } from "./streams.js";
export { makeAlert } from "./alerts.js";
export { startScriptedLlm, chatRequestSchema } from "./scripted-llm/index.js";
export type {
  ScriptedLlm,
  RecordedRequest,
  RejectedRequest,
  StartScriptedLlmOptions,
  Script,
  ScriptStep,
  UsageFn,
  ChatRequest,
  ChatMessage,
} from "./scripted-llm/index.js";
