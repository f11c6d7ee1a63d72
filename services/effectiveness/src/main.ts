#!/usr/bin/env node
import { runService } from "@vigil/service";
import { effectivenessService } from "./service.js";

runService(effectivenessService);
