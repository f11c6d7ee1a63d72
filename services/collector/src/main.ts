#!/usr/bin/env node
import { runService } from "@vigil/service";
import { collectorService } from "./service.js";

runService(collectorService);
