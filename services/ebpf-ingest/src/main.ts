#!/usr/bin/env node
import { runService } from "@vigil/service";
import { ingestService } from "./service.js";

runService(ingestService);
