import { expect } from "chai";
import {
  engineBin,
  engineWorkspace,
  type EngineWorkspace,
} from "../../tools/engine-tier/workspace";
import { describeEngine, expectOk } from "./tier";

/** The engine's secret marker in a serialized state (sdk/go/common/resource/sig, Secret). */
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

describeEngine("engine tier: dev deploys and then converges", function () {
  const stack = "dev";
  let ws: EngineWorkspace;

  before(function () {
    this.timeout(30 * 60_000); // a cold build-cli.sh takes ~8 min
    ws = engineWorkspace({ bin: engineBin() });
    ws.initStack(stack);
  });
  after(() => ws?.cleanup());

  it("`pulumi up` creates the estate", () => {
    const r = ws.pulumi(["up", "--stack", stack, "--yes", "--skip-preview"], {
      env: ws.secretEnv(stack),
    });
    expectOk(r);
  });

  it("a second `pulumi preview --expect-no-changes` finds nothing to do", () => {
    const r = ws.pulumi(["preview", "--stack", stack, "--expect-no-changes", "--diff"], {
      env: ws.secretEnv(stack),
    });
    expectOk(r, 60);
  });

  it("the state holds each secret input only encrypted", () => {
    const exported = ws.pulumi(["stack", "export", "--stack", stack]);
    expectOk(exported);
    const canaries = ws.canaries(stack).map((c) => c.value);
    expect(canaries.length, "the stack has secret inputs to check").to.be.greaterThan(0);
    for (const c of canaries)
      expect(exported.stdout, "plaintext canary in the export").not.to.include(c);
    expect(exported.stdout, "no encrypted secret in the state").to.include(SECRET_SIG);
    // Not vacuous: the canaries did reach the state, as ciphertext.
    const shown = ws.pulumi(["stack", "export", "--stack", stack, "--show-secrets"], {
      sensitive: true,
    });
    expectOk(shown);
    for (const c of canaries) expect(shown.stdout, `${c} in the decrypted state`).to.include(c);
  });

  it("prints no secret input (canary) in any command's output", () => {
    expect(ws.leaks()).to.deep.equal([]);
  });
});
