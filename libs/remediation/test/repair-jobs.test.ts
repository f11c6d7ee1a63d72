// EXECUTOR_REPAIR_JOBS_FILE: templates are validated at start, and every problem is reported at once with the
// entry and the field it concerns, so a broken failover template is found before it is needed.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { makeTempDir, type TempDir } from "@vigil/testing";
import { loadRepairJobTemplates, RepairJobsFileError } from "../src/index.js";

const valid = `
- name: pg-failover
  namespace: db
  allowedEnv: [TARGET_REPLICA]
  job:
    metadata:
      labels: { team: dba }
    spec:
      backoffLimit: 0
      template:
        spec:
          restartPolicy: Never
          containers:
            - name: failover
              image: registry.example.com/pg-tools:16
              command: [pg-failover]
- name: pg-repair
  job:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{ name: repair, image: registry.example.com/pg-tools:16 }]
`;

const invalid = `
- name: pg-failover
  job:
    spec: { backoffLimit: 1 }
- name: Bad_Name
  allowedEnv: [OK, "1BAD"]
  job:
    spec:
      template:
        spec:
          restartPolicy: Always
          containers: []
- name: extra
  image: nginx
  job:
    metadata: { name: fixed }
    spec:
      template:
        spec:
          restartPolicy: Never
          containers: [{ name: a }]
- name: pg-repair
  job: { spec: { template: { spec: { restartPolicy: Never, containers: [{ name: r, image: x }] } } } }
- name: pg-repair
  job: { spec: { template: { spec: { restartPolicy: Never, containers: [{ name: r, image: x }] } } } }
`;

describe("loadRepairJobTemplates", () => {
  let dir: TempDir;
  before(async () => {
    dir = await makeTempDir("repair-jobs");
  });
  after(() => dir.remove());

  const file = async (name: string, text: string) => {
    const path = join(dir.path, name);
    await writeFile(path, text);
    return path;
  };

  it("loads templates by name, with defaults", async () => {
    const templates = loadRepairJobTemplates(await file("valid.yaml", valid));
    assert.deepEqual([...templates.keys()], ["pg-failover", "pg-repair"]);
    const failover = templates.get("pg-failover")!;
    assert.equal(failover.namespace, "db");
    assert.deepEqual(failover.allowedEnv, ["TARGET_REPLICA"]);
    assert.deepEqual(failover.metadata, { labels: { team: "dba" } });
    assert.equal(failover.spec.backoffLimit, 0);
    assert.deepEqual(failover.spec.template.spec?.containers[0]?.command, ["pg-failover"]);
    const repair = templates.get("pg-repair")!;
    assert.equal(repair.namespace, undefined);
    assert.deepEqual(repair.allowedEnv, []);
  });

  it("reports every problem at once, naming the entry and the field", async () => {
    const path = await file("invalid.yaml", invalid);
    assert.throws(
      () => loadRepairJobTemplates(path),
      (err: unknown) => {
        assert.ok(err instanceof RepairJobsFileError);
        assert.deepEqual(err.problems, [
          'repair job "pg-failover": job.spec.template: is required',
          "repair job \"Bad_Name\": name: must be a DNS label: lower-case letters, digits and '-'",
          'repair job "Bad_Name": allowedEnv[1]: must be an environment variable name',
          'repair job "Bad_Name": job.spec.template.spec.containers: must have at least one container',
          'repair job "Bad_Name": job.spec.template.spec.restartPolicy: must be Never or OnFailure',
          'repair job "extra": job.metadata.name: is not a template field',
          'repair job "extra": job.spec.template.spec.containers[0].image: is required',
          'repair job "extra": image: is not a template field',
          'repair job "pg-repair": name: defined twice (names must be unique)',
        ]);
        assert.match(err.message, new RegExp(`repair job templates ${path} are invalid`));
        return true;
      },
    );
  });

  it("refuses a file that is missing, not YAML, or not a list; an empty file has no templates", async () => {
    assert.throws(() => loadRepairJobTemplates(join(dir.path, "absent.yaml")), /cannot be read: ENOENT/);
    const bad = await file("bad.yaml", "- name: [unclosed");
    assert.throws(
      () => loadRepairJobTemplates(bad),
      (err: unknown) => err instanceof RepairJobsFileError && /is not YAML/.test(err.problems[0]!),
    );
    const map = await file("map.yaml", "name: x");
    assert.throws(() => loadRepairJobTemplates(map), /must be a YAML list of templates/);
    assert.equal(loadRepairJobTemplates(await file("empty.yaml", "")).size, 0);
  });
});
