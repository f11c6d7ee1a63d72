#!/usr/bin/env node
import { runService } from "@vigil/service";
import { analyzerService } from "./service.js";

runService(analyzerService);
