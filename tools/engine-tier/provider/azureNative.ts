// Entry of the `pulumi-resource-azure-native` plugin (see bin/). The engine starts it with the
// engine address as its argument; main() prints the port it serves on.
import { main } from "@pulumi/pulumi/provider";
import {
  azureNativeRules,
  enableImportRead,
  enableProviderPreview,
  makeProvider,
  sdkVersion,
} from "./fakeProvider";

enableProviderPreview();
enableImportRead();
void main(makeProvider(sdkVersion("azure-native"), azureNativeRules), process.argv.slice(2));
