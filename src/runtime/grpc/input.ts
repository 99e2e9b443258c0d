// A streamed request can be sent again only while none of it was read. This wrapper hands every attempt the same
// underlying iterator (created on first read) and records whether anything was read; an attempt that gives up
// before reading does not close the caller's iterator. It also keeps what the source threw: that is the caller's own
// error, which ends the call as it is (connect-es would report it as an UNKNOWN status held against the service).

export class TrackedInput<T> implements AsyncIterable<T> {
  readonly #source: AsyncIterable<T>;
  #iterator: AsyncIterator<T> | undefined;
  /** True once any attempt asked for a message. */
  started = false;
  /** What the source's next() rejected with, once it did. */
  failure: { readonly error: unknown } | undefined;

  constructor(source: AsyncIterable<T>) {
    this.#source = source;
  }

  readonly #failed = (error: unknown): never => {
    this.failure ??= { error };
    throw error;
  };

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        this.started = true;
        this.#iterator ??= this.#source[Symbol.asyncIterator]();
        return this.#iterator.next().then(undefined, this.#failed);
      },
      return: async (value?: unknown) => {
        if (this.#iterator?.return !== undefined) await this.#iterator.return(value);
        return { done: true, value: undefined };
      },
      // connect-es requires throw() on request iterators; an unread source has nothing to clean up.
      throw: async (error?: unknown) => {
        if (this.#iterator?.throw !== undefined) return this.#iterator.throw(error);
        throw error;
      },
    };
  }
}

/** What the request source of `input` threw, if `input` is a TrackedInput whose source did. */
export function sourceFailure(input: unknown): { readonly error: unknown } | undefined {
  return input instanceof TrackedInput ? input.failure : undefined;
}

/** One message as a stream that every attempt can read afresh (server streaming sends exactly one request). */
export function once<T>(message: T): AsyncIterable<T> {
  return {
    [Symbol.asyncIterator]: (): AsyncIterator<T> => {
      let done = false;
      return {
        next: () => {
          if (done) return Promise.resolve({ done: true, value: undefined });
          done = true;
          return Promise.resolve({ done: false, value: message });
        },
        return: () => {
          done = true;
          return Promise.resolve({ done: true, value: undefined });
        },
        throw: (error?: unknown) => {
          done = true;
          return Promise.reject(error);
        },
      };
    },
  };
}
