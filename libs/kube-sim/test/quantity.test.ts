import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { bytes, cpuMillis, formatBytes, formatCpu, formatKi, formatNanoCores, parseQuantity } from "../src/quantity.js";

describe("parseQuantity", () => {
  it("reads plain numbers, fractions and numeric input", () => {
    assert.equal(parseQuantity("2"), 2);
    assert.equal(parseQuantity("0.5"), 0.5);
    assert.equal(parseQuantity(".5"), 0.5);
    assert.equal(parseQuantity("1."), 1);
    assert.equal(parseQuantity(3), 3);
    assert.equal(parseQuantity(0.25), 0.25);
    assert.equal(parseQuantity("-1"), -1);
    assert.equal(parseQuantity("+7"), 7);
  });

  it("applies decimal suffixes", () => {
    assert.equal(parseQuantity("250m"), 0.25);
    assert.equal(parseQuantity("500u"), 0.0005);
    assert.equal(parseQuantity("100n"), 1e-7);
    assert.equal(parseQuantity("1k"), 1000);
    assert.equal(parseQuantity("128M"), 128e6);
    assert.equal(parseQuantity("2G"), 2e9);
    assert.equal(parseQuantity("1T"), 1e12);
    assert.equal(parseQuantity("1P"), 1e15);
    assert.equal(parseQuantity("1E"), 1e18);
  });

  it("applies binary suffixes", () => {
    assert.equal(parseQuantity("1Ki"), 1024);
    assert.equal(parseQuantity("512Mi"), 512 * 2 ** 20);
    assert.equal(parseQuantity("1.5Gi"), 1.5 * 2 ** 30);
    assert.equal(parseQuantity("2Ti"), 2 * 2 ** 40);
    assert.equal(parseQuantity("1Pi"), 2 ** 50);
    assert.equal(parseQuantity("1Ei"), 2 ** 60);
  });

  it("reads decimal exponents, which take precedence over the E suffix", () => {
    assert.equal(parseQuantity("1e3"), 1000);
    assert.equal(parseQuantity("1E3"), 1000);
    assert.equal(parseQuantity("1.5e-3"), 0.0015);
    assert.equal(parseQuantity("2e+2"), 200);
  });

  it("throws a clear error on invalid quantities", () => {
    for (const bad of ["", "abc", "1.2.3", "1 Gi", "1gi", "Mi", "1Kb", "--1", "1e", "0x10"]) {
      assert.throws(() => parseQuantity(bad), /invalid quantity/, bad);
    }
    assert.throws(() => parseQuantity(Number.NaN), /invalid quantity/);
    assert.throws(() => parseQuantity(Number.POSITIVE_INFINITY), /invalid quantity/);
    assert.throws(() => cpuMillis("lots"), /invalid quantity "lots"/);
  });
});

describe("cpuMillis and bytes", () => {
  it("converts cpu to exact whole millicores, rounding up like MilliValue", () => {
    assert.equal(cpuMillis("250m"), 250);
    assert.equal(cpuMillis("100m"), 100);
    assert.equal(cpuMillis("1"), 1000);
    assert.equal(cpuMillis("0.1"), 100);
    assert.equal(cpuMillis("0.29"), 290);
    assert.equal(cpuMillis(0.29), 290);
    assert.equal(cpuMillis(2), 2000);
    assert.equal(cpuMillis("1.5"), 1500);
    assert.equal(cpuMillis("0.1m"), 1);
    assert.equal(cpuMillis("156340362n"), 157);
    assert.equal(cpuMillis("1e-3"), 1);
  });

  it("converts memory to whole bytes, rounding up like Value", () => {
    assert.equal(bytes("1Gi"), 1073741824);
    assert.equal(bytes("1.5Gi"), 1610612736);
    assert.equal(bytes("128974848"), 128974848);
    assert.equal(bytes("129e6"), 129000000);
    assert.equal(bytes("129M"), 129000000);
    assert.equal(bytes("123Mi"), 128974848);
    assert.equal(bytes("100m"), 1);
    assert.equal(bytes(0), 0);
  });
});

describe("formatting", () => {
  it("formats cpu as cores or millicores", () => {
    assert.equal(formatCpu(250), "250m");
    assert.equal(formatCpu(2000), "2");
    assert.equal(formatCpu(1500), "1500m");
    assert.equal(formatCpu(0), "0");
    assert.equal(formatCpu(99.6), "100m");
  });

  it("formats bytes in the largest binary unit that divides evenly", () => {
    assert.equal(formatBytes(512 * 2 ** 20), "512Mi");
    assert.equal(formatBytes(2 ** 30), "1Gi");
    assert.equal(formatBytes(1.5 * 2 ** 30), "1536Mi");
    assert.equal(formatBytes(3 * 1024), "3Ki");
    assert.equal(formatBytes(1000), "1000");
    assert.equal(formatBytes(0), "0");
    assert.equal(formatBytes(2 ** 40), "1Ti");
  });

  it("formats metrics-server style cpu and memory", () => {
    assert.equal(formatNanoCores(156.340362), "156340362n");
    assert.equal(formatNanoCores(0), "0n");
    assert.equal(formatNanoCores(1000), "1000000000n");
    assert.equal(formatKi(1234567 * 1024), "1234567Ki");
    assert.equal(formatKi(1536), "2Ki");
  });

  it("round-trips through the parser", () => {
    for (const m of [1, 250, 1000, 3500]) assert.equal(cpuMillis(formatCpu(m)), m);
    for (const b of [1, 1024, 2 ** 20 * 3, 1.5 * 2 ** 30, 123456789]) assert.equal(bytes(formatBytes(b)), b);
    assert.equal(cpuMillis(formatNanoCores(156.340362)), 157);
    assert.equal(bytes(formatKi(4096)), 4096);
  });
});
