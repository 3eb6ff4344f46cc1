/** How the Kafka bus creates a topic (EVENT_TOPIC_PARTITIONS, EVENT_TOPIC_REPLICATION, EVENT_TOPIC_MIN_INSYNC). */
export interface TopicPolicy {
  /** Partitions of a new topic (default 6). */
  partitions?: number;
  /** Copies of each partition; 0 or unset: min(3, brokers in the cluster). */
  replication?: number;
  /** min.insync.replicas of a new topic; 0 or unset: 2 with three or more copies, else 1. */
  minInsync?: number;
}

export interface TopicSpec {
  partitions: number;
  replicas: number;
  configs: { name: string; value: string }[];
}

/**
 * A new topic's settings on a cluster of `brokers` brokers. With three brokers an event is on two
 * of them before a publish resolves (acks=all, min.insync.replicas 2), so one broker lost loses
 * nothing and stops nothing; one broker alone keeps one copy.
 */
export function topicSpec(brokers: number, policy: TopicPolicy = {}): TopicSpec {
  const replicas = policy.replication || Math.max(1, Math.min(3, brokers));
  if (replicas > brokers) throw new Error(`Kafka: EVENT_TOPIC_REPLICATION=${replicas} needs as many brokers; the cluster has ${brokers}`);
  const minInsync = policy.minInsync || (replicas >= 3 ? 2 : 1);
  if (minInsync > replicas) throw new Error(`Kafka: EVENT_TOPIC_MIN_INSYNC=${minInsync} is more than the ${replicas} copies of a topic`);
  return { partitions: policy.partitions ?? 6, replicas, configs: [{ name: 'min.insync.replicas', value: String(minInsync) }] };
}
