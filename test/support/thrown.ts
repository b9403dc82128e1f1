// The DomainError a synchronous call throws; a test fails when it throws nothing or something else.
import { expect } from 'vitest';
import { DomainError } from '../../src/core/errors.js';

export function thrown(f: () => unknown): DomainError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    return e as DomainError;
  }
  throw new Error('expected a DomainError, but nothing was thrown');
}
