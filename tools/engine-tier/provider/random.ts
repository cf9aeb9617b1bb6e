// Entry of the `pulumi-resource-random` plugin (see bin/).
import { main } from "@pulumi/pulumi/provider";
import {
  enableImportRead,
  enableProviderPreview,
  makeProvider,
  randomRules,
  sdkVersion,
} from "./fakeProvider";

enableProviderPreview();
enableImportRead();
void main(makeProvider(sdkVersion("random"), randomRules), process.argv.slice(2));
