export { webhookService } from "./service.js";
