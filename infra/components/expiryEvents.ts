import * as pulumi from "@pulumi/pulumi";
import * as eventgrid from "@pulumi/azure-native/eventgrid";
import type { ResolvedExpiryEvents, ResolvedInsights } from "../model/types";
import type { Tags } from "../model/types";
import { WriteChain } from "./writeChain";

/** Arguments of `VaultExpiryEvents`. */
export interface VaultExpiryEventsArgs {
  /** The vault's resolved topic and subscription names. */
  readonly events: ResolvedExpiryEvents;
  /** Event types, delivery and severity, shared by every vault. */
  readonly expiry: ResolvedInsights["expiry"];
  /** The vault's ARM id: the system topic's source. */
  readonly vaultId: pulumi.Input<string>;
  readonly resourceGroupName: pulumi.Input<string>;
  /** The vault's region (a system topic lives in its source's region). */
  readonly location: string;
  readonly tags: Tags;
  /** The action group an expiry alert notifies (`actionGroup` delivery). */
  readonly actionGroupId: pulumi.Input<string>;
  /** The webhook URL, a secret (`webhook` delivery only). */
  readonly webhookUrl?: pulumi.Input<string>;
  /** The vault's write chain: the subscription joins it before the vault's keys and secrets. */
  readonly writes: WriteChain;
}

/**
 * A vault's Event Grid system topic and its subscription to the secret and key expiry events,
 * delivered as an Azure Monitor alert to the action group (or posted to the webhook).
 *
 * Key Vault notifies only for versions created after a subscription exists
 * (MicrosoftDocs/azure-docs, articles/key-vault/general/event-grid-overview.md: "you must first
 * subscribe to the event on your key vault in order to receive these notifications"), so the
 * subscription is a link of the vault's write chain, ahead of its keys and secrets.
 */
export class VaultExpiryEvents extends pulumi.ComponentResource {
  public readonly topic: eventgrid.SystemTopic;
  public readonly subscription: eventgrid.SystemTopicEventSubscription;

  constructor(
    name: string,
    args: VaultExpiryEventsArgs,
    opts: pulumi.ComponentResourceOptions = {},
  ) {
    super("keyvault-estate:insights:VaultExpiryEvents", name, {}, opts);
    const { events, expiry } = args;
    if (expiry.delivery === "webhook" && args.webhookUrl === undefined) {
      throw new Error(`${events.path}: webhook delivery needs the webhook URL`);
    }

    this.topic = new eventgrid.SystemTopic(
      events.names.topic,
      {
        resourceGroupName: args.resourceGroupName,
        location: args.location,
        systemTopicName: events.topicName,
        source: args.vaultId,
        // Event Grid's topic type for Key Vault (event-schema-key-vault.md); Managed HSM has none.
        topicType: "Microsoft.KeyVault.vaults",
        tags: args.tags,
      },
      { parent: this },
    );

    const destination =
      expiry.delivery === "actionGroup"
        ? {
            // Event Grid's Azure Monitor alert destination is available for Key Vault system
            // events only, and takes the CloudEvents v1.0 schema only
            // (articles/event-grid/handler-azure-monitor-alerts.md).
            endpointType: "MonitorAlert" as const,
            actionGroups: [args.actionGroupId],
            severity: expiry.severity,
            description: `A secret or key of ${events.vault} is near expiry or expired.`,
          }
        : {
            endpointType: "WebHook" as const,
            // The URL carries its own credential: a secret in state, plan and preview.
            endpointUrl: pulumi.secret(args.webhookUrl as pulumi.Input<string>),
          };
    this.subscription = args.writes.add(
      new eventgrid.SystemTopicEventSubscription(
        events.names.subscription,
        {
          resourceGroupName: args.resourceGroupName,
          systemTopicName: this.topic.name,
          eventSubscriptionName: events.subscriptionName,
          eventDeliverySchema:
            expiry.delivery === "actionGroup" ? "CloudEventSchemaV1_0" : "EventGridSchema",
          filter: { includedEventTypes: [...expiry.eventTypes] },
          destination,
          // Event Grid's own defaults (30 attempts over 24 hours), stated so the plan shows them.
          retryPolicy: { maxDeliveryAttempts: 30, eventTimeToLiveInMinutes: 1440 },
        },
        { parent: this, dependsOn: args.writes.next() },
      ),
    );

    this.registerOutputs({ topicId: this.topic.id, subscriptionId: this.subscription.id });
  }
}
