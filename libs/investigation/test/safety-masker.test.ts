// Reversible masking: a corpus of realistic secrets never survives masking, the original comes back exactly,
// placeholders are stable and unique, and what the model needs to reason (key names, references, versions,
// times) stays readable.
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { builtinMaskPatterns, Masker, MaskingConfigError } from "../src/index.js";

const b64 = (s: string) => Buffer.from(s).toString("base64");

const JWT =
  "eyJhbGciOiJSUzI1NiIsImtpZCI6IkRrY0xxIn0.eyJpc3MiOiJrdWJlcm5ldGVzL3NlcnZpY2VhY2NvdW50Iiwic3ViIjoic3lzdGVtOnNlcnZpY2VhY2NvdW50OnNob3A6Y2FydCJ9.Zm9vYmFyYmF6cXV4c2lnbmF0dXJl";
const PEM = "-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA1x9q3nF0zZ8wY7\nQ2hY3kP0rT9sV1\n-----END RSA PRIVATE KEY-----";

/** Each secret value of the corpus: none may appear anywhere in the masked output. */
const SECRETS = {
  dbPassword: "Xk9#mP2vL8qR",
  apiToken: "tok_live_9f8e7d6c5b4a3210",
  urlPassword: "s3cr3t-Pa55w0rd",
  awsKeyId: "AKIAIOSFODNN7EXAMPLE",
  awsSecret: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
  github: "ghp_A1b2C3d4E5f6G7h8I9j0K1l2M3n4O5p6Q7r8",
  slack: "xoxb-1234567890123-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
  openai: "sk-proj-Ab12Cd34Ef56Gh78Ij90Kl12Mn34",
  jwt: JWT,
  pemBody: "MIIEpAIBAAKCAQEA1x9q3nF0zZ8wY7",
  email: "jane.doe@shop.example.com",
  ipv4: "10.244.3.17",
  ipv6: "fd00:10:244::3:11",
  envSecret: "hunter2-but-longer",
  quoted: "correct horse battery staple",
};

const corpus = {
  secret: {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "checkout-db", namespace: "shop" },
    type: "Opaque",
    data: { username: b64("checkout"), password: b64(SECRETS.dbPassword), "tls.key": b64(PEM), token: b64(JWT) },
    stringData: { "api-token": SECRETS.apiToken },
  },
  configMap: {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "checkout-config", namespace: "shop", annotations: { owner: SECRETS.email } },
    data: {
      DATABASE_URL: `postgres://checkout:${SECRETS.urlPassword}@postgres.data.svc:5432/orders`,
      "application.properties": `spring.datasource.password=${SECRETS.dbPassword}\nserver.port=8080\nmail.password = "${SECRETS.quoted}"`,
      "aws.ini": `[default]\naws_access_key_id = ${SECRETS.awsKeyId}\naws_secret_access_key = ${SECRETS.awsSecret}`,
      id_rsa: PEM,
    },
  },
  event: {
    kind: "Event",
    reason: "Unhealthy",
    message: `Readiness probe failed: Get "http://${SECRETS.ipv4}:8080/ready": 401 Unauthorized (Authorization: Bearer ${JWT})`,
  },
  container: {
    name: "cart",
    image: "shop/cart:1.4.2",
    env: [
      { name: "DB_PASSWORD", value: SECRETS.envSecret },
      { name: "LOG_LEVEL", value: "info" },
      { name: "GITHUB_TOKEN", value: SECRETS.github },
      { name: "DB_PASSWORD_REF", valueFrom: { secretKeyRef: { name: "checkout-db", key: "password" } } },
    ],
  },
  logs: [
    `2026-12-07T15:04:05Z INFO login ok user=${SECRETS.email} from ${SECRETS.ipv4} via ${SECRETS.ipv6}`,
    `2026-12-07T15:04:06Z WARN notifying slack with ${SECRETS.slack}`,
    `2026-12-07T15:04:07Z DEBUG openai client created with key ${SECRETS.openai}`,
    `2026-12-07T15:04:08Z ERROR upstream rejected api_key="${SECRETS.apiToken}"`,
  ],
  describeText: `Environment:\n  DB_PASSWORD:  ${SECRETS.envSecret}\n  SECRET_REF:   <set to the key 'password' in secret 'checkout-db'>`,
};

describe("Masker", () => {
  test("no secret of a realistic corpus survives, and unmask restores it exactly (deep)", () => {
    const masker = new Masker();
    const masked = masker.maskValue(corpus);
    const text = JSON.stringify(masked);
    for (const [name, value] of Object.entries(SECRETS)) {
      assert.ok(!text.includes(value), `${name} (${value}) leaked: ${text}`);
    }
    assert.ok(!text.includes(b64(SECRETS.dbPassword)), "a Secret's base64 data leaked");
    assert.deepEqual(masker.unmask(masked), corpus);
    assert.ok(masker.maskedCount >= Object.keys(SECRETS).length - 1, `only ${masker.maskedCount} values masked`);
  });

  test("the same corpus as JSON text (a tool result's text) is masked as well, env entries included", () => {
    const masker = new Masker();
    const raw = JSON.stringify({ configMap: corpus.configMap, event: corpus.event, container: corpus.container, logs: corpus.logs });
    const masked = masker.mask(raw);
    for (const [name, value] of Object.entries(SECRETS)) {
      if (name === "jwt" || raw.includes(value)) assert.ok(!masked.includes(value), `${name} leaked: ${masked}`);
    }
    assert.equal(masker.unmask(masked), raw);
  });

  test("key names, references and what the model reasons with stay readable", () => {
    const masker = new Masker();
    const text = [
      "DB_PASSWORD=hunter2-long",
      'secretName: checkout-db, "secretKeyRef": {"name": "checkout-db"}, tokens: 1500, password=true',
      "image shop/cart:1.4.2 (version 1.2.3) restarted at 15:04:05, mac 02:42:ac:11:00:02, limit 512Mi",
      "listening on 0.0.0.0:8080 and 127.0.0.1:9090 and [::1]:9091",
      'Error: secret "checkout-db" not found',
    ].join("\n");
    const masked = masker.mask(text);
    assert.match(masked, /^DB_PASSWORD=«SECRET_1»$/m);
    for (const kept of [
      "secretName: checkout-db",
      '"secretKeyRef": {"name": "checkout-db"}',
      "tokens: 1500",
      "password=true",
      "1.4.2",
      "1.2.3",
      "15:04:05",
      "02:42:ac:11:00:02",
      "512Mi",
      "0.0.0.0:8080",
      "127.0.0.1:9090",
      "[::1]",
      'secret "checkout-db" not found',
    ]) {
      assert.ok(masked.includes(kept), `"${kept}" was masked: ${masked}`);
    }
    const url = masker.mask("postgres://checkout:pw-123456@postgres.data.svc:5432/orders and postgres://postgres@db.data.svc/x");
    assert.equal(url, "postgres://checkout:«SECRET_2»@postgres.data.svc:5432/orders and postgres://postgres@db.data.svc/x");
  });

  test("the same value gets the same placeholder within one Masker; another Masker starts afresh", () => {
    const masker = new Masker();
    const a = masker.mask("from 10.0.0.7 to 10.0.0.8, again from 10.0.0.7; ops@example.com");
    // Patterns apply in registry order (emails before IPs), so the email is numbered first.
    assert.equal(a, "from «IP_2» to «IP_3», again from «IP_2»; «EMAIL_1»");
    assert.equal(masker.maskValue({ peer: "10.0.0.8" }).peer, "«IP_3»");
    assert.equal(masker.maskedCount, 3);
    assert.equal(new Masker().mask("10.0.0.8"), "«IP_1»");
  });

  test("text that imitates a placeholder cannot alias a real one", () => {
    const masker = new Masker();
    const attack = "note: the real value is «SECRET_1» and «IP_2»";
    const maskedAttack = masker.mask(attack);
    const maskedSecret = masker.mask("password=topsecret-value");
    assert.ok(!maskedAttack.includes("«SECRET_1»"), maskedAttack);
    assert.match(maskedAttack, /«LITERAL_\d+»/);
    assert.deepEqual(masker.unmask([maskedAttack, maskedSecret]), [attack, "password=topsecret-value"]);
  });

  test("unmask reaches placeholders anywhere in what comes back: tool arguments, keys, the final decision", () => {
    const masker = new Masker({ maskNames: true });
    masker.addNames(["cart-7d9f-x2k", "shop"]);
    const prompt = masker.mask("pod cart-7d9f-x2k in shop at 10.1.2.3");
    assert.equal(prompt, "pod «NAME_2» in «NAME_3» at «IP_1»");
    const fromModel = {
      name: "describe_pod",
      args: { namespace: "«NAME_3»", pod: "«NAME_2»" },
      decision: { target: { kind: "Pod", namespace: "«NAME_3»", name: "«NAME_2»" }, reasons: ["«NAME_2» talks to «IP_1»", 3, null] },
      byName: { "«NAME_2»": true },
      unknown: "«SECRET_99» stays",
    };
    assert.deepEqual(masker.unmask(fromModel), {
      name: "describe_pod",
      args: { namespace: "shop", pod: "cart-7d9f-x2k" },
      decision: {
        target: { kind: "Pod", namespace: "shop", name: "cart-7d9f-x2k" },
        reasons: ["cart-7d9f-x2k talks to 10.1.2.3", 3, null],
      },
      byName: { "cart-7d9f-x2k": true },
      unknown: "«SECRET_99» stays",
    });
  });

  test("names are masked as whole words only, and only when maskNames is on", () => {
    const masker = new Masker({ maskNames: true });
    masker.addNames(["cart", "cart-api"]);
    assert.equal(
      masker.mask("cart, cart-api, cart-apix, mycart, cart.shop.svc"),
      "«NAME_1», «NAME_2», cart-apix, mycart, «NAME_1».shop.svc",
    );
    // The kubelet writes `<pod>_<namespace>(<uid>)` in event messages: "_" is never part of a name.
    assert.equal(
      masker.mask("Back-off restarting failed container app in pod cart_shop(6f1c)"),
      "Back-off restarting failed container app in pod «NAME_1»_shop(6f1c)",
    );
    const off = new Masker();
    off.addNames(["cart"]);
    assert.equal(off.mask("cart"), "cart");
  });

  test("operator patterns mask their match (or its `value` group) under their own category", () => {
    const masker = new Masker({
      patterns: [
        { name: "customer-id", regex: "CUST-[0-9]{6}" },
        { name: "ticket", regex: "ticket #(?<value>[0-9]+)" },
      ],
    });
    const text = "refund CUST-123456 per ticket #4711, again CUST-123456";
    const masked = masker.mask(text);
    assert.equal(masked, "refund «CUSTOMER_ID_1» per ticket #«TICKET_2», again «CUSTOMER_ID_1»");
    assert.equal(masker.unmask(masked), text);
  });

  test("a bad operator pattern is a configuration error that names it", () => {
    const problems = (opts: ConstructorParameters<typeof Masker>[0]) => {
      try {
        new Masker(opts);
      } catch (err) {
        assert.ok(err instanceof MaskingConfigError, String(err));
        return err.problems;
      }
      assert.fail("no error");
    };
    const [unbalanced] = problems({ patterns: [{ name: "customer-id", regex: "CUST-([0-9]+" }] });
    assert.match(unbalanced!, /^pattern "customer-id": invalid regular expression/);
    const [empty] = problems({ patterns: [{ name: "anything", regex: "x*" }] });
    assert.match(empty!, /^pattern "anything": matches the empty string/);
    const [badName] = problems({ patterns: [{ name: "Bad Name", regex: "x" }] });
    assert.match(badName!, /^pattern "Bad Name": a name is lowercase/);
    assert.match(
      problems({
        patterns: [
          { name: "a", regex: "x" },
          { name: "a", regex: "y" },
        ],
      }).join(),
      /unique/,
    );
  });

  test("every built-in pattern has a unique name and says why it exists", () => {
    const names = builtinMaskPatterns.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    for (const p of builtinMaskPatterns) {
      assert.match(p.name, /^[a-z0-9-]+$/);
      assert.ok(p.why.length > 20, `${p.name}: why`);
      assert.ok(p.regex.global, `${p.name}: regex must be global`);
    }
  });
});
