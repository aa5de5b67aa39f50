/** A producer of steady, plausible traffic (about 4 messages/s) so there is something to watch. */
import { defineProducer } from 'sluice';
import { pause } from '../../src/config/producer.ts';

const USERS = ['ana', 'bo', 'chen', 'dara', 'eli', 'fatou', 'gus', 'hana'];

export function trafficProducer(options: { intervalMs?: number; random?: () => number } = {}) {
  const { intervalMs = 250, random = Math.random } = options;
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  return defineProducer({
    name: 'traffic',
    async run(ctx) {
      let n = 0;
      while (!ctx.signal.aborted) {
        n += 1;
        const to = pick(USERS);
        try {
          const roll = random();
          if (roll < 0.5) await ctx.send('push-notifications', { to, title: 'New message', text: `#${n}` });
          else if (roll < 0.7)
            await ctx.send('offline-messages', { to, from: pick(USERS), text: `hello #${n}` });
          else
            await ctx.send('events', {
              type: pick(['app.open', 'message.sent', 'login']),
              at: Date.now(),
              user: to,
            });
        } catch (e) {
          if (!ctx.signal.aborted) ctx.log.warn({ err: e }, 'send failed; going on');
        }
        await pause(intervalMs, ctx.signal);
      }
    },
  });
}
