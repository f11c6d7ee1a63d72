#!/usr/bin/env node
import { runService } from "@vigil/service";
import { executorService } from "./service.js";

runService(executorService);
