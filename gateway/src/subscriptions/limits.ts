import { GraphQLError } from 'graphql';
import { ErrorCode } from '@cloudlab/kit';
import { subscriptionMetrics } from './metrics';

export interface SubscriptionLimitOptions {
  /** Concurrent subscriptions on one graphql-ws connection. */
  perConnection: number;
  /** Concurrent subscriptions of one signed-in user over all their connections to this gateway. */
  perUser: number;
}

/**
 * Caps on concurrent subscriptions, so one client cannot hold unbounded upstream state. Counted
 * per gateway process (a user spread over several gateways gets the cap on each); anonymous
 * connections are bounded per connection only.
 */
export class SubscriptionLimits {
  private readonly perUser = new Map<string, number>();

  constructor(private readonly max: SubscriptionLimitOptions) {}

  /** Takes a slot; returns the function that gives it back (idempotent), or the error to send. */
  acquire(connection: { active: number }, userId: string | undefined): (() => void) | GraphQLError {
    if (connection.active >= this.max.perConnection) {
      subscriptionMetrics.rejected.inc({ reason: 'per_connection_limit' });
      return limitError(`At most ${this.max.perConnection} subscriptions per connection`);
    }
    const used = userId ? (this.perUser.get(userId) ?? 0) : 0;
    if (userId && used >= this.max.perUser) {
      subscriptionMetrics.rejected.inc({ reason: 'per_user_limit' });
      return limitError(`At most ${this.max.perUser} subscriptions per user`);
    }
    connection.active++;
    if (userId) this.perUser.set(userId, used + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      connection.active--;
      if (!userId) return;
      const left = (this.perUser.get(userId) ?? 1) - 1;
      if (left > 0) this.perUser.set(userId, left);
      else this.perUser.delete(userId);
    };
  }
}

const limitError = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.RATE_LIMITED } });
