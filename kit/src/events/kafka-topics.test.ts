import { describe, expect, it } from 'vitest';
import { topicSpec } from './kafka-topics';

describe('the settings of a topic the Kafka bus creates', () => {
  it('a three-broker cluster keeps three copies and needs two in sync before a publish resolves', () => {
    expect(topicSpec(3)).toEqual({ partitions: 6, replicas: 3, configs: [{ name: 'min.insync.replicas', value: '2' }] });
    expect(topicSpec(5, { partitions: 12 })).toMatchObject({ partitions: 12, replicas: 3, configs: [{ value: '2' }] });
  });

  it('a single development broker keeps one copy, two brokers two, each writable with one broker in sync', () => {
    expect(topicSpec(1)).toMatchObject({ replicas: 1, configs: [{ value: '1' }] });
    expect(topicSpec(2)).toMatchObject({ replicas: 2, configs: [{ value: '1' }] });
  });

  it('takes the configured replication and min.insync.replicas, and refuses what the cluster cannot hold', () => {
    expect(topicSpec(5, { replication: 5, minInsync: 3 })).toMatchObject({ replicas: 5, configs: [{ value: '3' }] });
    expect(() => topicSpec(1, { replication: 3 })).toThrow(/EVENT_TOPIC_REPLICATION=3 needs as many brokers; the cluster has 1/);
    expect(() => topicSpec(3, { minInsync: 4 })).toThrow(/EVENT_TOPIC_MIN_INSYNC=4/);
  });
});
