// The time server for Cristian's algorithm: an actor outside every partition whose clock is true time.
import { timeServerReply, type TimeRequest } from '../core/clocks/sync';
import type { Actor, Engine, Envelope, Timer } from './engine';

export class TimeServer implements Actor {
  readonly isNode = false;
  up = true;
  lamport = 0;

  constructor(
    readonly index: number,
    readonly id: string,
    private readonly engine: Engine,
  ) {}

  deliver(env: Envelope): void {
    if (env.type !== 'TimeRequest') return;
    const reply = timeServerReply(env.payload as TimeRequest, this.engine.now);
    this.engine.send(this, env.from, reply.type, reply);
  }

  fire(_timer: Timer): void {}
}
