import { CommandOutcome } from './handle-command';

/** Carries the cross-stream effects of what a command just wrote, before it answers (see reactions.ts). */
export interface CrossStreamEffects {
  after(outcome: CommandOutcome): Promise<void>;
}

export const CROSS_STREAM_EFFECTS = Symbol('CrossStreamEffects');
