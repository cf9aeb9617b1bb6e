import { expect } from "chai";
import { setClock } from "../../policies/lib/clock";
import { TOKENS } from "../../policies/lib/tokens";
import { evaluatePolicies } from "../../tools/plan/policyEval";
import { keyArgs, secretArgs } from "./fixtures";
import { inDays, messages, NOW, planned } from "./helpers";

interface Attributes {
  expires?: number;
  notBefore?: number;
}

function withAttributes(kind: "key" | "secret", attributes: Attributes) {
  if (kind === "key") {
    const args = keyArgs();
    args.properties.attributes = attributes;
    return planned(TOKENS.key, "k", { ...args });
  }
  const args = secretArgs();
  args.properties.attributes = attributes;
  return planned(TOKENS.secret, "s", { ...args });
}

for (const kind of ["key", "secret"] as const) {
  describe(`${kind} lifetime policies`, () => {
    const minDays = `keyvault-${kind}-min-days-before-expiry`;
    const maxActive = `keyvault-${kind}-max-active-days`;

    it(`${minDays} flags a ${kind} expiring sooner than the configured days`, () => {
      const found = messages(minDays, [withAttributes(kind, { expires: inDays(10) })], {
        [minDays]: { minimumDaysBeforeExpiry: 30 },
      });
      expect(found).to.deep.equal([
        "It expires 2026-01-11T00:00:00.000Z, 10 days from now; at least 30 days are required.",
      ]);
    });
    it(`${minDays} passes a ${kind} expiring later than the configured days`, () => {
      expect(messages(minDays, [withAttributes(kind, { expires: inDays(31) })])).to.deep.equal([]);
    });
    it(`${minDays} judges a ${kind} without expiry as never expiring (expiry-set reports it)`, () => {
      expect(messages(minDays, [withAttributes(kind, {})])).to.deep.equal([]);
    });

    it(`${maxActive} flags a ${kind} active since longer than the configured days`, () => {
      const found = messages(
        maxActive,
        [withAttributes(kind, { notBefore: inDays(-400), expires: inDays(30) })],
        {
          [maxActive]: { maximumActiveDays: 365 },
        },
      );
      expect(found[0]).to.match(/has been active since .*, 400 days/);
    });
    it(`${maxActive} flags a ${kind} planned to stay active longer than the configured days`, () => {
      const found = messages(maxActive, [withAttributes(kind, { expires: inDays(500) })], {
        [maxActive]: { maximumActiveDays: 365 },
      });
      expect(found[0]).to.match(/500 days; the maximum is 365/);
    });
    it(`${maxActive} flags a ${kind} without expiry (active indefinitely)`, () => {
      expect(messages(maxActive, [withAttributes(kind, {})])[0]).to.match(/indefinitely/);
    });
    it(`${maxActive} measures from notBefore when it is in the future`, () => {
      const resource = withAttributes(kind, { notBefore: inDays(100), expires: inDays(400) });
      expect(
        messages(maxActive, [resource], { [maxActive]: { maximumActiveDays: 365 } }),
      ).to.deep.equal([]);
    });
  });
}

describe("lifetime clock", () => {
  afterEach(() => setClock(undefined));

  it("reads 'now' from the injectable clock when no evaluation time is given", () => {
    const resource = withAttributes("secret", { expires: inDays(40) });
    const policy = "keyvault-secret-min-days-before-expiry";
    setClock(() => NOW);
    expect(evaluatePolicies([resource], {}).filter((v) => v.policy === policy)).to.deep.equal([]);
    setClock(() => NOW + 20 * 86_400_000);
    expect(evaluatePolicies([resource], {}).filter((v) => v.policy === policy)).to.have.length(1);
  });

  it("restores the previous clock after an evaluation at a fixed time", () => {
    setClock(() => 42);
    evaluatePolicies([], {}, { now: NOW });
    const resource = withAttributes("secret", { expires: inDays(40) });
    const found = evaluatePolicies([resource], {}).filter(
      (v) => v.policy === "keyvault-secret-max-validity",
    );
    expect(found[0]?.message).to.match(/20494 days from now/);
  });
});
