#!/usr/bin/env node
import { runService } from "@vigil/service";
import { investigatorService } from "./service.js";

runService(investigatorService);
