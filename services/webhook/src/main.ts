#!/usr/bin/env node
import { runService } from "@vigil/service";
import { webhookService } from "./service.js";

runService(webhookService);
