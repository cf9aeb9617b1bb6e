/** The azure-native v3 type tokens the pack governs (checked against the SDK classes in tests). */
export const TOKENS = {
  vault: "azure-native:keyvault:Vault",
  key: "azure-native:keyvault:Key",
  secret: "azure-native:keyvault:Secret",
  managedHsm: "azure-native:keyvault:ManagedHsm",
  roleAssignment: "azure-native:authorization:RoleAssignment",
  diagnosticSetting: "azure-native:monitor:DiagnosticSetting",
  lock: "azure-native:authorization:ManagementLockByScope",
  privateEndpoint: "azure-native:network:PrivateEndpoint",
  storageAccount: "azure-native:storage:StorageAccount",
  workspace: "azure-native:operationalinsights:Workspace",
} as const;
