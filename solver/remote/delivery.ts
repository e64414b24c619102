/**
 * One task batch a worker took from a run's queue, and when the broker may forget it: it is
 * acknowledged only once the solver is through with it (its end, or its crash, reported) AND
 * the broker confirmed every message sent about it, so a worker that dies before that hands
 * the batch back (at-least-once). A batch no solver started is given back at once (nack).
 */
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import type { TaskBatchMessage } from './topology.ts';

/** See the file comment. */
export class Delivery {
  /** The batch number the farm gave it. */
  readonly batch: number;
  /** Its plan indices. */
  readonly tasks: number[];
  /** The broker delivered it before, to a worker that did not finish it. */
  readonly redelivered: boolean;
  /** Positions with a row sent to the farm (rows come in order: a prefix of the batch). */
  answered = 0;
  readonly #message: ConsumeMessage;
  readonly #channel: ConfirmChannel;
  #confirmsPending = 0;
  #publishFailed = false;
  #solverDone = false;
  /** Settled, given back, or its channel is gone: the broker decides its fate, not us. */
  #over = false;

  constructor(message: ConsumeMessage, channel: ConfirmChannel, body: TaskBatchMessage) {
    this.#message = message;
    this.#channel = channel;
    this.batch = body.batch;
    this.tasks = body.i;
    this.redelivered = message.fields.redelivered;
  }

  /** What is said about it still matters to the farm (not given back, not lost with its channel). */
  get live(): boolean {
    return !this.#over;
  }

  /**
   * A message about it is going to the farm: call the returned function with the broker's
   * confirm (true) or failure (false). A failure gives the batch back once the solver is done.
   */
  sending(): (ok: boolean) => void {
    this.#confirmsPending++;
    return (ok) => {
      this.#confirmsPending--;
      if (!ok) this.#publishFailed = true;
      this.#settle();
    };
  }

  /** The solver is through with it (its end, or its crash, was sent). */
  solverDone(): void {
    this.#solverDone = true;
    this.#settle();
  }

  /** Its channel died (the broker has already put it back) or its run ended: nothing more to do. */
  forget(): void {
    this.#over = true;
  }

  /** Give it back to the queue unsolved, for another worker (or us, later). */
  giveBack(): void {
    if (this.#over) return;
    this.#over = true;
    this.#nack();
  }

  #settle(): void {
    if (!this.#solverDone || this.#confirmsPending > 0 || this.#over) return;
    this.#over = true;
    if (this.#publishFailed) {
      this.#nack();
      return;
    }
    try {
      this.#channel.ack(this.#message);
    } catch {
      // Channel closed meanwhile: the broker already put the batch back.
    }
  }

  #nack(): void {
    try {
      this.#channel.nack(this.#message, false, true);
    } catch {
      // Channel closed meanwhile: the broker already put the batch back.
    }
  }
}
