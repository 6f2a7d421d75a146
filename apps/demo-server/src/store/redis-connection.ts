import { createClient } from 'redis';

function createCommandClient(url: string) {
  return createClient({
    url,
    socket: { connectTimeout: 5000, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 3000) },
  });
}

/** The node-redis client type this app uses. */
export type RedisClient = ReturnType<typeof createCommandClient>;

/**
 * The two connections a Redis-backed server needs: one for commands and one in subscriber mode
 * (Redis does not allow commands on a connection that has subscribed).
 */
export class RedisConnection {
  readonly url: string;
  readonly commands: RedisClient;
  readonly subscriber: RedisClient;

  private constructor(url: string, commands: RedisClient, subscriber: RedisClient) {
    this.url = url;
    this.commands = commands;
    this.subscriber = subscriber;
  }

  /**
   * Connects both clients. `onError` receives connection errors (node-redis reconnects by
   * itself; without a listener an error would crash the process).
   */
  static async connect(url: string, onError: (error: Error) => void): Promise<RedisConnection> {
    const commands = createCommandClient(url);
    commands.on('error', onError);
    await commands.connect();
    const subscriber = commands.duplicate();
    subscriber.on('error', onError);
    try {
      await subscriber.connect();
    } catch (error) {
      commands.destroy();
      throw error;
    }
    return new RedisConnection(url, commands, subscriber);
  }

  async close(): Promise<void> {
    await Promise.allSettled([this.subscriber.close(), this.commands.close()]);
  }
}
