/**
 * The Pulumi type tokens of every `@pulumi/azure-native` (v3) and `@pulumi/random` resource the
 * estate registers, in one place: the policy pack, the offline plan's emulation and Azure Policy
 * projection, the change review and the deploy helpers all name a type through `TOKENS`. Each token
 * is `<package>:<module>:<Type>`, the `__pulumiType` of the SDK class (checked against the classes
 * in test/policies/catalogue.spec.ts).
 */
export const TOKENS = {
  resourceGroup: "azure-native:resources:ResourceGroup",
  vault: "azure-native:keyvault:Vault",
  managedHsm: "azure-native:keyvault:ManagedHsm",
  key: "azure-native:keyvault:Key",
  secret: "azure-native:keyvault:Secret",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  lock: "azure-native:authorization:ManagementLockByScope",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  privateDnsZoneGroup: "azure-native:network:PrivateDnsZoneGroup",
  storageAccount: "azure-native:storage:StorageAccount",
  storageManagementPolicy: "azure-native:storage:ManagementPolicy",
  workspace: "azure-native:operationalinsights:Workspace",
  savedSearch: "azure-native:operationalinsights:SavedSearch",
  actionGroup: "azure-native:monitor:ActionGroup",
  scheduledQueryRule: "azure-native:monitor:ScheduledQueryRule",
  systemTopic: "azure-native:eventgrid:SystemTopic",
  systemTopicEventSubscription: "azure-native:eventgrid:SystemTopicEventSubscription",
  workbook: "azure-native:applicationinsights:Workbook",
  randomString: "random:index/randomString:RandomString",
  randomPassword: "random:index/randomPassword:RandomPassword",
} as const;

/** The tokens of the invokes (data-source functions) the program calls. */
export const INVOKE_TOKENS = {
  getClientConfig: "azure-native:authorization:getClientConfig",
} as const;

/** The start of every token of a package: `TOKEN_PREFIX.azureNative` is `azure-native:`. */
export const TOKEN_PREFIX = {
  azureNative: "azure-native:",
  random: "random:",
} as const;
