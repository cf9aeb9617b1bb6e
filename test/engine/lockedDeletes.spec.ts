import * as fs from "fs";
import { expect } from "chai";
import {
  engineBin,
  engineWorkspace,
  tail,
  type EngineWorkspace,
} from "../../tools/engine-tier/workspace";
import { describeEngine, expectOk } from "./tier";

/**
 * The deploy's unlock step (scripts/revoke-under-lock.sh) feeds the engine's own documents to
 * tools/deploy/lockedDeletes.ts. On a stack that was never deployed there is nothing under a lock:
 * the tool must say so and exit 0, so the step does nothing.
 */
describeEngine("engine tier: the unlock step on an empty stack", function () {
  let ws: EngineWorkspace;

  before(function () {
    this.timeout(30 * 60_000);
    ws = engineWorkspace({ bin: engineBin() });
  });
  after(() => ws?.cleanup());

  it("locked-deletes reads `pulumi stack export` of a fresh stack and finds nothing to unlock", () => {
    const stack = "dev";
    ws.initStack(stack);
    // As scripts/revoke-under-lock.sh does: the preview's JSON, then the export.
    const previewed = ws.pulumi(["preview", "--stack", stack, "--json"], {
      env: ws.secretEnv(stack),
    });
    expectOk(previewed);
    const preview = ws.scratch("preview.json");
    fs.writeFileSync(preview, previewed.stdout);
    const exported = ws.pulumi(["stack", "export", "--stack", stack]);
    expectOk(exported);
    const state = ws.scratch("state.json");
    fs.writeFileSync(state, exported.stdout);
    const r = ws.run("npm", [
      "run",
      "--silent",
      "locked-deletes",
      "--",
      "--preview",
      preview,
      "--state",
      state,
    ]);
    expect(
      r.status,
      `exit ${r.status}; stderr:\n${tail(r.stderr, 10)}\nexport:\n${tail(exported.stdout, 15)}`,
    ).to.equal(0);
    expect(JSON.parse(r.stdout)).to.deep.equal({ locks: [], targets: [] });
  });
});
