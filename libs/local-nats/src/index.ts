// @vigil/local-nats: run a nats-server on this machine (npm start, the test harness). No Vigil dependencies,
// so the test kit can use it without depending on the libs it tests.
export {
  NATS_READY_LINE,
  natsServerArgs,
  startLocalNats,
  type LocalNats,
  type LocalNatsOptions,
  type NatsServerArgs,
} from "./local-nats.js";
